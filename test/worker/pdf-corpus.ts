/**
 * Odd and hostile PDFs, built here (pdf-lib, or bytes by hand), each with the outcome a user should
 * get: a page image of the right kind and shape, or a clear reason for the document or the page.
 */
import jpeg from "jpeg-js";
import { deflate, handWritten, handWrittenWithStreams } from "./raw-pdf.ts";
import { PDFDocument, PDFName, PDFNumber, PDFRawStream, StandardFonts, degrees, rgb } from "pdf-lib";

export type PageOutcome =
  | { kind: "png" | "jpeg"; landscape?: boolean; blank?: boolean; maxPixels?: number }
  | { fails: RegExp };

export interface CorpusCase {
  name: string;
  build: () => Promise<Uint8Array>;
  /** Either the document fails with this reason, or these are its pages' outcomes. */
  expect: { fails: RegExp } | { pages: PageOutcome[] };
  /** Where reading by ranges ends differently (still a clear reason, never a crash). */
  expectRanged?: { fails: RegExp } | { pages: PageOutcome[] };
}

const encoder = new TextEncoder();
const ascii = (text: string) => encoder.encode(text);
const png = { kind: "png" } as const;

export function scanJpeg(width = 160, height = 220, seed = 1): Uint8Array {
  const pixels = new Uint8Array(width * height * 4).fill(255);
  for (let y = 30 + seed; y < 50 + seed; y++) for (let x = 15; x < width - 15; x++) pixels.fill(0, (y * width + x) * 4, (y * width + x) * 4 + 3);
  return new Uint8Array(jpeg.encode({ data: pixels, width, height }, 80).data);
}

async function textPage(doc: PDFDocument, size: [number, number], text = "Authorised vessel list"): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage(size);
  page.drawText(text, { x: 10, y: Math.max(2, size[1] - 30), size: Math.min(12, size[1] / 3), font });
}

async function pdfWith(build: (doc: PDFDocument) => Promise<void> | void, options: { objectStreams?: boolean } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  await build(doc);
  return doc.save({ useObjectStreams: options.objectStreams ?? false, addDefaultPage: false });
}

/** A full-page scan whose image dictionary gets `extra` entries (e.g. /Decode). */
async function scanWith(extra: Record<string, unknown> = {}, jpegBytes = scanJpeg()): Promise<Uint8Array> {
  return pdfWith(async (doc) => {
    const image = await doc.embedJpg(jpegBytes);
    const page = doc.addPage([image.width, image.height]);
    page.drawImage(image, { x: 0, y: 0, width: image.width, height: image.height });
    await image.embed();
    const stream = doc.context.lookup(image.ref) as PDFRawStream;
    for (const [key, value] of Object.entries(extra)) stream.dict.set(PDFName.of(key), doc.context.obj(value as never));
  });
}

/** A page whose only content is an image stream with the given filter and (garbage) data. */
async function imageWithFilter(filter: string | string[], data = ascii("not really image data")): Promise<Uint8Array> {
  return pdfWith((doc) => {
    const image = doc.context.stream(data, {
      Type: "XObject",
      Subtype: "Image",
      Width: 64,
      Height: 64,
      ColorSpace: "DeviceGray",
      BitsPerComponent: filter === "JBIG2Decode" || filter === "CCITTFaxDecode" ? 1 : 8,
      Filter: Array.isArray(filter) ? filter : filter,
    });
    const ref = doc.context.register(image);
    const page = doc.addPage([200, 200]);
    page.node.setXObject(PDFName.of("Im0"), ref);
    page.pushOperators();
    const content = doc.context.stream(ascii("q 200 0 0 200 0 0 cm /Im0 Do Q"));
    page.node.set(PDFName.of("Contents"), doc.context.register(content));
  });
}

/** Hand-written PDF text with a correct xref table, from numbered object bodies. */

const simplePage = (contents = "") => [
  "<< /Type /Catalog /Pages 2 0 R >>",
  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
  `<< /Length ${contents.length} >>\nstream\n${contents}\nendstream`,
  "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
];

function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const S = Uint8Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + S[i] + key[i % key.length]) & 255;
    [S[i], S[j]] = [S[j], S[i]];
  }
  const out = new Uint8Array(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 255;
    j = (j + S[i]) & 255;
    [S[i], S[j]] = [S[j], S[i]];
    out[n] = data[n] ^ S[(S[i] + S[j]) & 255];
  }
  return out;
}

const md5 = async (...parts: Uint8Array[]) => new Uint8Array(await crypto.subtle.digest("MD5", new Uint8Array(parts.flatMap((p) => [...p]))));
const PASSWORD_PADDING = Uint8Array.from([
  0x28, 0xbf, 0x4e, 0x5e, 0x4e, 0x75, 0x8a, 0x41, 0x64, 0x00, 0x4e, 0x56, 0xff, 0xfa, 0x01, 0x08, 0x2e, 0x2e, 0x00, 0xb6, 0xd0, 0x68, 0x3e, 0x80,
  0x2f, 0x0c, 0xa9, 0xfe, 0x64, 0x53, 0x69, 0x7a,
]);
const padPassword = (password: string) => Uint8Array.from([...ascii(password).slice(0, 32), ...PASSWORD_PADDING].slice(0, 32));
const hexOf = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A one-page PDF under the standard security handler, revision 2 (40-bit RC4), as PDF 1.7 §7.6.3
 * describes it: the user password opens it; an empty one opens it for anyone.
 */
async function encryptedPdf(userPassword: string, ownerPassword = "owner-secret"): Promise<Uint8Array> {
  const id = ascii("0123456789abcdef");
  const permissions = -44;
  const ownerKey = (await md5(padPassword(ownerPassword))).slice(0, 5);
  const O = rc4(ownerKey, padPassword(userPassword));
  const P = new Uint8Array(new Int32Array([permissions]).buffer);
  const key = (await md5(padPassword(userPassword), O, P, id)).slice(0, 5);
  const U = rc4(key, PASSWORD_PADDING);
  const content = ascii("BT /F1 24 Tf 20 150 Td (Encrypted vessel list) Tj ET");
  const objectKey = (await md5(key, Uint8Array.from([4, 0, 0, 0, 0]))).slice(0, 10);
  const encrypted = rc4(objectKey, content);
  const objects = simplePage("X".repeat(encrypted.length));
  objects.push(`<< /Filter /Standard /V 1 /R 2 /O <${hexOf(O)}> /U <${hexOf(U)}> /P ${permissions} >>`);
  const bytes = handWritten(objects, `/Encrypt 6 0 R /ID [<${hexOf(id)}> <${hexOf(id)}>] `);
  // Put the encrypted stream where the placeholder of the same length is.
  const at = new TextDecoder("latin1").decode(bytes).indexOf("X".repeat(encrypted.length));
  bytes.set(encrypted, at);
  return bytes;
}

export const corpus: CorpusCase[] = [
  // --- ordinary documents
  { name: "born-digital text page", build: () => pdfWith((d) => textPage(d, [595, 842])), expect: { pages: [png] } },
  { name: "text pages in object streams", build: () => pdfWith((d) => textPage(d, [595, 842]), { objectStreams: true }), expect: { pages: [png] } },
  { name: "landscape page", build: () => pdfWith((d) => textPage(d, [842, 595])), expect: { pages: [{ kind: "png", landscape: true }] } },
  {
    name: "mixed page sizes",
    build: () => pdfWith(async (d) => {
      await textPage(d, [595, 842]);
      await textPage(d, [612, 792]);
      await textPage(d, [1191, 842]);
    }),
    expect: { pages: [png, png, { kind: "png", landscape: true }] },
  },
  {
    name: "text page rotated 90",
    build: () => pdfWith(async (d) => {
      await textPage(d, [595, 842]);
      d.getPage(0).setRotation(degrees(90));
    }),
    expect: { pages: [{ kind: "png", landscape: true }] },
  },
  {
    name: "text page rotated 180 and 270",
    build: () => pdfWith(async (d) => {
      await textPage(d, [595, 842]);
      await textPage(d, [595, 842]);
      d.getPage(0).setRotation(degrees(180));
      d.getPage(1).setRotation(degrees(270));
    }),
    expect: { pages: [png, { kind: "png", landscape: true }] },
  },
  { name: "blank page", build: () => pdfWith((d) => void d.addPage([595, 842])), expect: { pages: [{ kind: "png", blank: true }] } },
  { name: "page without contents", build: async () => handWritten(simplePage().map((o, i) => (i === 2 ? "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>" : o))), expect: { pages: [{ kind: "png", blank: true }] } },
  { name: "very large page (200 x 200 in)", build: () => pdfWith((d) => textPage(d, [14400, 14400])), expect: { pages: [{ kind: "png", maxPixels: 8_000_000 }] } },
  { name: "tiny page", build: () => pdfWith((d) => textPage(d, [20, 20], "x")), expect: { pages: [png] } },
  { name: "page too thin to render", build: () => pdfWith((d) => void d.addPage([14400, 0.2])), expect: { pages: [{ fails: /too thin to render/ }] } },
  { name: "page with a negative media box", build: async () => handWritten(simplePage("BT /F1 12 Tf 10 10 Td (x) Tj ET").map((o, i) => (i === 2 ? o.replace("[0 0 300 300]", "[0 0 -300 0]") : o))), expect: { pages: [{ fails: /no usable size/ }] } },

  // --- scans
  { name: "full-page baseline JPEG scan", build: () => scanWith(), expect: { pages: [{ kind: "jpeg" }] } },
  {
    name: "two scans, one rotated",
    build: () => pdfWith(async (d) => {
      for (const seed of [1, 5]) {
        const image = await d.embedJpg(scanJpeg(160, 220, seed));
        d.addPage([160, 220]).drawImage(image, { x: 0, y: 0, width: 160, height: 220 });
      }
      d.getPage(1).setRotation(degrees(90));
    }),
    expect: { pages: [{ kind: "jpeg" }, { kind: "png", landscape: true }] },
  },
  { name: "scan with a /Decode array", build: () => scanWith({ Decode: [1, 0, 1, 0, 1, 0] }), expect: { pages: [png] } },
  { name: "scan declared CMYK", build: () => scanWith({ ColorSpace: "DeviceCMYK" }), expect: { pages: [png] } },
  { name: "scan with an /SMask", build: () => scanWith({ SMask: 0 }), expect: { pages: [png] } },
  {
    name: "scan with an Adobe APP14 marker",
    build: () => {
      const plain = scanJpeg();
      const app14 = [0xff, 0xee, 0x00, 0x0e, 0x41, 0x64, 0x6f, 0x62, 0x65, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00];
      return scanWith({}, new Uint8Array([0xff, 0xd8, ...app14, ...plain.subarray(2)]));
    },
    expect: { pages: [png] },
  },
  {
    name: "scan not covering the page",
    build: () => pdfWith(async (d) => {
      const image = await d.embedJpg(scanJpeg());
      d.addPage([400, 500]).drawImage(image, { x: 20, y: 20, width: 160, height: 220 });
    }),
    expect: { pages: [png] },
  },
  {
    name: "scan with a text layer on top",
    build: () => pdfWith(async (d) => {
      const image = await d.embedJpg(scanJpeg());
      const font = await d.embedFont(StandardFonts.Helvetica);
      const page = d.addPage([160, 220]);
      page.drawImage(image, { x: 0, y: 0, width: 160, height: 220 });
      page.drawText("OCR layer", { x: 5, y: 5, size: 8, font, color: rgb(0, 0, 0) });
    }),
    expect: { pages: [png] },
  },
  {
    name: "two images on one page",
    build: () => pdfWith(async (d) => {
      const a = await d.embedJpg(scanJpeg(100, 100, 1));
      const b = await d.embedJpg(scanJpeg(100, 100, 9));
      const page = d.addPage([200, 100]);
      page.drawImage(a, { x: 0, y: 0, width: 100, height: 100 });
      page.drawImage(b, { x: 100, y: 0, width: 100, height: 100 });
    }),
    expect: { pages: [{ kind: "png", landscape: true }] },
  },
  {
    name: "inline image",
    build: async () => handWritten(simplePage(`q 300 0 0 300 0 0 cm BI /W 4 /H 4 /CS /G /BPC 8 ID ${"\x00\xff\x00\xff".repeat(4)} EI Q`)),
    expect: { pages: [png] },
  },
  { name: "JBIG2 image (undecodable data)", build: () => imageWithFilter("JBIG2Decode"), expect: { pages: [png] } },
  { name: "CCITT fax image (undecodable data)", build: () => imageWithFilter("CCITTFaxDecode"), expect: { pages: [png] } },
  { name: "JPEG 2000 image (undecodable data)", build: () => imageWithFilter("JPXDecode"), expect: { pages: [png] } },
  { name: "filter chain Flate then DCT", build: async () => imageWithFilter(["FlateDecode", "DCTDecode"], await deflate(scanJpeg(64, 64))), expect: { pages: [png] } },
  { name: "unknown image filter", build: () => imageWithFilter("NoSuchDecode"), expect: { pages: [png] } },

  // --- damaged files that viewers repair
  {
    name: "xref offsets all wrong",
    build: async () => {
      const bytes = handWritten(simplePage("BT /F1 12 Tf 10 10 Td (broken xref) Tj ET"));
      const text = new TextDecoder("latin1").decode(bytes).replace(/(\d{10}) 00000 n/g, "0000000001 00000 n");
      return Uint8Array.from(text, (c) => c.charCodeAt(0));
    },
    expect: { pages: [png] },
  },
  {
    // Neither pdf-lib nor this PDFium build rebuilds this one: the user is told, nothing hangs.
    name: "no xref table, startxref pointing at the trailer",
    build: async () => {
      const text = new TextDecoder("latin1").decode(handWritten(simplePage("BT /F1 12 Tf 10 10 Td (no xref) Tj ET")));
      return Uint8Array.from(text.replace(/xref[\s\S]*?trailer/, "trailer"), (c) => c.charCodeAt(0));
    },
    // Repaired as viewers do: its objects read one by one, up to the last complete one.
    expect: { pages: [png] },
  },
  {
    name: "incremental update adding a page",
    build: async () => {
      const base = handWritten(simplePage("BT /F1 12 Tf 10 250 Td (first version) Tj ET"));
      const baseText = new TextDecoder("latin1").decode(base);
      const prev = /startxref\s+(\d+)/.exec(baseText)![1];
      const content = "BT /F1 12 Tf 10 250 Td (added by an update) Tj ET";
      const objects: Array<[number, string]> = [
        [2, "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>"],
        [6, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 7 0 R /Resources << /Font << /F1 5 0 R >> >> >>"],
        [7, `<< /Length ${content.length} >>\nstream\n${content}\nendstream`],
      ];
      let tail = "";
      let xref = "xref\n";
      for (const [number, body] of objects) {
        xref += `${number} 1\n${String(base.length + tail.length).padStart(10, "0")} 00000 n \n`;
        tail += `${number} 0 obj\n${body}\nendobj\n`;
      }
      const xrefAt = base.length + tail.length;
      tail += `${xref}trailer\n<< /Size 8 /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
      return new Uint8Array([...base, ...Uint8Array.from(tail, (c) => c.charCodeAt(0))]);
    },
    expect: { pages: [png, png] },
  },

  // --- encrypted
  { name: "encrypted, empty user password", build: () => encryptedPdf(""), expect: { pages: [png] } },
  { name: "encrypted, user password set", build: () => encryptedPdf("letmein"), expect: { fails: /^encrypted: password required$/ } },

  // --- documents that cannot be read
  { name: "zero pages", build: () => pdfWith(() => undefined), expect: { fails: /has no pages/ } },
  { name: "header only", build: async () => ascii("%PDF-1.7\n"), expect: { fails: /not a readable PDF/ } },
  { name: "HTML claiming to be a PDF", build: async () => ascii("%PDF-1.4\n<html><body>Download failed</body></html>"), expect: { fails: /not a readable PDF/ } },
  {
    name: "truncated in the middle",
    build: async () => (await pdfWith((d) => textPage(d, [300, 300]))).slice(0, 400),
    expect: { fails: /not a readable PDF|has no pages/ },
  },
  {
    // pdf-lib refuses it; PDFium takes the Pages node for a page, which has no size: that page fails.
    name: "page tree that is not a tree (Kids points to itself)",
    build: async () => handWritten(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
    expect: { pages: [{ fails: /no usable size/ }] },
    expectRanged: { pages: [{ fails: /page tree too deep/ }] },
  },
  {
    // Cut off in transfer: no startxref, no trailer, the cross-reference stream half written.
    name: "last 30 bytes cut off",
    build: async () => {
      const bytes = await pdfWith(async (d) => {
        for (let i = 0; i < 3; i++) await textPage(d, [300, 400], `Vessel list, page ${i + 1}`);
      }, { objectStreams: true });
      return bytes.slice(0, bytes.length - 30);
    },
    expect: { pages: [png, png, png] },
  },
  { name: "catalog without pages", build: async () => handWritten(["<< /Type /Catalog >>"]), expect: { fails: /not a readable PDF|has no pages/ } },

  // --- bombs
  {
    name: "more pages than the limit",
    build: () => pdfWith((d) => {
      for (let i = 0; i < 61; i++) d.addPage([100, 100]);
    }),
    expect: { fails: /too many pages: 61 \(the limit is 60\)/ },
  },
  {
    name: "deeply nested arrays",
    build: async () => handWritten(simplePage().map((o, i) => (i === 4 ? `<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /X ${"[".repeat(50_000)}${"]".repeat(50_000)} >>` : o))),
    expect: { pages: [{ kind: "png", blank: true }] },
    // Copying the page's objects into a one-page PDF recurses through the nesting: that page fails.
    expectRanged: { pages: [{ fails: /call stack/ }] },
  },
  {
    name: "content stream that inflates past the limit",
    build: async () => {
      const bomb = await deflate(new Uint8Array(12 * 1024 * 1024).fill(0x20));
      return pdfWith((d) => {
        const page = d.addPage([300, 300]);
        const content = d.context.flateStream(new Uint8Array(0));
        const raw = PDFRawStream.of(d.context.obj({ Filter: "FlateDecode", Length: bomb.length }) as never, bomb);
        void content;
        page.node.set(PDFName.of("Contents"), d.context.register(raw));
      });
    },
    expect: { pages: [{ fails: /expands past 8388608 bytes/ }] },
  },
  {
    name: "object and cross-reference streams, read as usual",
    build: () => handWrittenWithStreams(simplePage("BT /F1 12 Tf 20 250 Td (Vessel) Tj ET"), { compressed: [2, 5] }),
    expect: { pages: [{ kind: "png", blank: false }] },
  },
  {
    // The page's font sits in an object stream that inflates to 12 MiB: whole, pdf-lib meets it
    // while parsing; by ranges, only the page that needs the font does.
    name: "object stream that inflates past the limit",
    build: () => handWrittenWithStreams(simplePage("BT /F1 12 Tf 20 250 Td (Vessel) Tj ET"), { compressed: [5], objectStreamPadding: 12 << 20 }),
    expect: { fails: /object or cross-reference streams expand past 8388608 bytes/ },
    expectRanged: { pages: [{ fails: /object or cross-reference streams expand past 8388608 bytes/ }] },
  },
  {
    name: "cross-reference stream that inflates past the limit",
    build: () => handWrittenWithStreams(simplePage(), { compressed: [5], xrefPadding: 12 << 20 }),
    expect: { fails: /object or cross-reference streams expand past 8388608 bytes/ },
  },
  {
    name: "form whose content inflates past the limit",
    build: async () => {
      const bomb = await deflate(new Uint8Array(12 * 1024 * 1024).fill(0x20));
      return pdfWith((d) => {
        const form = PDFRawStream.of(d.context.obj({ Type: "XObject", Subtype: "Form", BBox: [0, 0, 10, 10], Filter: "FlateDecode", Length: bomb.length }) as never, bomb);
        const page = d.addPage([200, 200]);
        page.node.setXObject(PDFName.of("Fm0"), d.context.register(form));
        page.node.set(PDFName.of("Contents"), d.context.register(d.context.stream(ascii("/Fm0 Do"))));
      });
    },
    expect: { pages: [{ fails: /expands past 8388608 bytes/ }] },
  },
  {
    name: "image declaring a billion pixels",
    build: () => pdfWith((d) => {
      const image = d.context.stream(ascii("x"), { Type: "XObject", Subtype: "Image", Width: 40000, Height: 30000, ColorSpace: "DeviceGray", BitsPerComponent: 8 });
      const page = d.addPage([200, 200]);
      page.node.setXObject(PDFName.of("Huge"), d.context.register(image));
      page.node.set(PDFName.of("Contents"), d.context.register(d.context.stream(ascii("q 200 0 0 200 0 0 cm /Huge Do Q"))));
    }),
    expect: { pages: [{ fails: /image \/Huge is 40000 x 30000 pixels/ }] },
  },
  {
    name: "image bomb hidden in a form",
    build: () => pdfWith((d) => {
      const image = d.context.register(d.context.stream(ascii("x"), { Type: "XObject", Subtype: "Image", Width: 50000, Height: 50000, ColorSpace: "DeviceGray", BitsPerComponent: 8 }));
      const form = d.context.register(
        d.context.stream(ascii("/Deep Do"), { Type: "XObject", Subtype: "Form", BBox: [0, 0, 10, 10], Resources: { XObject: { Deep: image } } }),
      );
      const page = d.addPage([200, 200]);
      page.node.setXObject(PDFName.of("Fm0"), form);
      page.node.set(PDFName.of("Contents"), d.context.register(d.context.stream(ascii("/Fm0 Do"))));
    }),
    expect: { pages: [{ fails: /image \/Deep is 50000 x 50000 pixels/ }] },
  },
  {
    name: "page claiming an absurd size through UserUnit",
    build: async () => {
      const bytes = await pdfWith((d) => textPage(d, [14400, 14400]));
      const doc = await PDFDocument.load(bytes);
      doc.getPage(0).node.set(PDFName.of("UserUnit"), PDFNumber.of(75000));
      return doc.save();
    },
    expect: { pages: [{ kind: "png", maxPixels: 8_000_000 }] },
  },
];
