import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, decodePDFRawStream, type PDFDocument } from "pdf-lib";
import { pageContents } from "./document";

export interface PassthroughJpeg {
  bytes: Uint8Array;
  width: number;
  height: number;
}

const number = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)`;
const matrix = String.raw`(?:${number}\s+){6}cm\s+`;
// `q [a b c d e f cm]+ /Name Do Q`: the whole content stream of a scanned page.
const singleImagePlacement = new RegExp(String.raw`^\s*q\s+((?:${matrix})+)/(\S+)\s+Do\s+Q\s*$`);

/**
 * The page's scan, byte for byte, when the page is exactly one full-page baseline JPEG the model
 * can read as it is. Anything else (CMYK or Adobe-transformed JPEGs, /Decode, masks, rotation, other
 * content, odd placement) returns null and the page is rendered instead.
 */
export function fullPageJpeg(pdf: PDFDocument, index: number): PassthroughJpeg | null {
  const page = pdf.getPage(index);
  if (page.getRotation().angle % 360 !== 0) return null;
  const box = page.getMediaBox();
  const crop = page.getCropBox();
  if (!sameBox(box, crop)) return null;

  const content = contentText(pageContents(pdf, page));
  const placement = content === null ? null : singleImagePlacement.exec(content);
  if (!placement) return null;
  const [a, b, c, d, e, f] = composeMatrices(placement[1]);
  const name = placement[2];
  const near = (x: number, y: number) => Math.abs(x - y) <= 1;
  if (Math.abs(b) > 1e-6 || Math.abs(c) > 1e-6 || !near(a, box.width) || !near(d, box.height) || !near(e, box.x) || !near(f, box.y)) {
    return null;
  }

  const xobjects = page.node.Resources()?.lookupMaybe(PDFName.of("XObject"), PDFDict);
  const image = xobjects?.lookup(PDFName.of(name));
  if (!(image instanceof PDFRawStream)) return null;
  const dict = image.dict;
  const filter = dict.lookup(PDFName.of("Filter"));
  const isDct =
    filter === PDFName.of("DCTDecode") ||
    (filter instanceof PDFArray && filter.size() === 1 && filter.lookup(0) === PDFName.of("DCTDecode"));
  const colorSpace = dict.lookup(PDFName.of("ColorSpace"));
  const plainColor = colorSpace === PDFName.of("DeviceRGB") || colorSpace === PDFName.of("DeviceGray");
  const blockers = ["Decode", "SMask", "Mask", "ImageMask", "DecodeParms"].some((key) => dict.has(PDFName.of(key)));
  const bits = dict.lookup(PDFName.of("BitsPerComponent"));
  if (!isDct || !plainColor || blockers || !(bits instanceof PDFNumber) || bits.asNumber() !== 8) return null;

  const bytes = image.getContents();
  if (!isPlainJpeg(bytes)) return null;
  const width = dict.lookup(PDFName.of("Width"), PDFNumber).asNumber();
  const height = dict.lookup(PDFName.of("Height"), PDFNumber).asNumber();
  return { bytes, width, height };
}

/** The product of a run of `a b c d e f cm` operators, as PDF applies them (first is outermost). */
function composeMatrices(run: string): number[] {
  const numbers = run.replace(/cm/g, " ").trim().split(/\s+/).map(Number);
  let [a, b, c, d, e, f] = [1, 0, 0, 1, 0, 0];
  for (let i = 0; i < numbers.length; i += 6) {
    const [a2, b2, c2, d2, e2, f2] = numbers.slice(i, i + 6);
    // New CTM = M x CTM.
    [a, b, c, d, e, f] = [
      a2 * a + b2 * c,
      a2 * b + b2 * d,
      c2 * a + d2 * c,
      c2 * b + d2 * d,
      e2 * a + f2 * c + e,
      e2 * b + f2 * d + f,
    ];
  }
  return [a, b, c, d, e, f];
}

function sameBox(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

function contentText(streams: ReadonlyArray<unknown>): string | null {
  let text = "";
  for (const stream of streams) {
    // A scan's placement is a few dozen bytes; anything big is not one, and is not decoded here.
    if (!(stream instanceof PDFRawStream) || stream.getContents().byteLength > 4096) return null;
    text += new TextDecoder("latin1").decode(decodePDFRawStream(stream).decode()) + "\n";
  }
  return text;
}

/** A JPEG with 1 or 3 components and no Adobe APP14 colour transform. */
function isPlainJpeg(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return false;
    const marker = bytes[offset + 1];
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    if (marker === 0xee) return false; // APP14 "Adobe": CMYK / YCCK or inverted data
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      const components = bytes[offset + 9];
      return components === 1 || components === 3;
    }
    offset += 2 + length;
  }
  return false;
}
