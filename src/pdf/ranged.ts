/**
 * A PDF read by byte ranges, so a 70 MB file is never in memory whole: the cross-reference data
 * first (tables, streams, /Prev chains), then, for one page at a time, just the objects that page
 * needs (its ancestors in the page tree and everything its dictionary reaches), copied into a
 * one-page PDF for the renderer. pdf-lib parses the objects; what it cannot do is load lazily,
 * which is this module's job. Anything it does not handle (encryption, a broken xref) throws, and
 * the caller falls back to reading the whole file.
 */
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFObjectParser,
  PDFObjectStreamParser,
  PDFPage,
  PDFPageLeaf,
  PDFRawStream,
  PDFRef,
  PDFStream,
  PDFXRefStreamParser,
  type PDFObject,
} from "pdf-lib";

export interface RangeReader {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

type XrefEntry = { offset: number } | { stream: number };

const latin1 = new TextDecoder("latin1");
const TAIL_BYTES = 2048;

export class RangedPdf {
  private constructor(
    private readonly reader: RangeReader,
    private readonly xref: Map<number, XrefEntry>,
    /** Where each directly stored object ends at the latest: the next object's offset. */
    private readonly ends: Map<number, number>,
    private readonly root: PDFRef,
    readonly pageCount: number,
  ) {}

  static async open(reader: RangeReader): Promise<RangedPdf> {
    const tail = latin1.decode(await reader.read(Math.max(0, reader.size - TAIL_BYTES), Math.min(TAIL_BYTES, reader.size)));
    const startxref = /startxref\s+(\d+)\s*%%EOF\s*$/.exec(tail) ?? /startxref\s+(\d+)/.exec(tail);
    if (!startxref) throw new Error("no startxref");
    const xref = new Map<number, XrefEntry>();
    let root: PDFRef | undefined;
    const seen = new Set<number>();
    const pending = [Number(startxref[1])];
    while (pending.length) {
      const at = pending.shift()!;
      if (seen.has(at) || at >= reader.size || seen.size > 64) continue;
      seen.add(at);
      const trailer = await readXrefSection(reader, at, xref);
      if (trailer.get(PDFName.of("Encrypt"))) throw new Error("encrypted");
      root ??= trailer.get(PDFName.of("Root")) as PDFRef | undefined;
      for (const key of ["XRefStm", "Prev"]) {
        const next = trailer.get(PDFName.of(key));
        if (next instanceof PDFNumber) pending.push(next.asNumber());
      }
    }
    if (!(root instanceof PDFRef)) throw new Error("no /Root");
    const offsets = [...xref.values()].flatMap((e) => ("offset" in e ? [e.offset] : [])).sort((a, b) => a - b);
    const ends = new Map<number, number>();
    offsets.forEach((offset, i) => ends.set(offset, offsets[i + 1] ?? reader.size));
    const pdf = new RangedPdf(reader, xref, ends, root, 0);
    const loader = pdf.loader();
    const catalog = await loader.dict(root);
    const pages = await loader.dict(catalog.get(PDFName.of("Pages")));
    const count = pages.get(PDFName.of("Count"));
    if (!(count instanceof PDFNumber)) throw new Error("no page count");
    return new RangedPdf(reader, xref, ends, root, count.asNumber());
  }

  /** Page `index` (0-based) alone, as a one-page PDF (inherited attributes included). */
  async singlePage(index: number): Promise<Uint8Array> {
    const loader = this.loader();
    const catalog = await loader.dict(this.root);
    let node = await loader.dict(catalog.get(PDFName.of("Pages")));
    let remaining = index;
    let pageRef: PDFRef | undefined;
    // Walk down by /Count, loading only the nodes on the way (and the kids' headers we skip over).
    for (let depth = 0; !pageRef; depth++) {
      if (depth > 64) throw new Error("page tree too deep");
      const kids = node.lookup(PDFName.of("Kids"), PDFArray);
      let next: PDFDict | undefined;
      for (let i = 0; i < kids.size() && !next && !pageRef; i++) {
        const kidRef = kids.get(i);
        const kid = await loader.dict(kidRef);
        const type = kid.get(PDFName.of("Type"));
        if (type === PDFName.of("Pages")) {
          const count = (kid.get(PDFName.of("Count")) as PDFNumber | undefined)?.asNumber() ?? 0;
          if (remaining < count) next = kid;
          else remaining -= count;
        } else if (remaining === 0) {
          pageRef = kidRef as PDFRef;
        } else {
          remaining--;
        }
      }
      if (!next && !pageRef) throw new Error(`page ${index + 1} not found`);
      if (next) node = next;
    }
    const page = await loader.dict(pageRef);
    // Everything the page reaches, and what it inherits from its ancestors (already loaded).
    for (const key of ["Resources", "MediaBox", "CropBox", "Rotate"]) {
      const inherited = page instanceof PDFPageLeaf ? page.getInheritableAttribute(PDFName.of(key)) : undefined;
      if (inherited) await loader.reach(inherited);
    }
    await loader.reach(page, true);

    const single = await PDFDocument.create({ updateMetadata: false });
    const copied = PDFObjectCopier.for(loader.context, single.context).copy(page as PDFPageLeaf);
    single.addPage(PDFPage.of(copied, single.context.register(copied), single));
    return single.save({ useObjectStreams: false });
  }

  /** A fresh object cache: one page's objects at a time, then dropped. */
  private loader() {
    const context = PDFContext.create();
    const loadedStreams = new Set<number>();
    const load = async (ref: PDFRef): Promise<PDFObject | undefined> => {
      const known = context.lookup(ref);
      if (known) return known;
      const entry = this.xref.get(ref.objectNumber);
      if (!entry) return undefined;
      if ("stream" in entry) {
        if (!loadedStreams.has(entry.stream)) {
          loadedStreams.add(entry.stream);
          const stream = await load(PDFRef.of(entry.stream));
          if (!(stream instanceof PDFRawStream)) throw new Error(`object stream ${entry.stream} is missing`);
          await PDFObjectStreamParser.forStream(stream).parseIntoContext();
        }
        return context.lookup(ref);
      }
      const end = this.ends.get(entry.offset) ?? this.reader.size;
      const bytes = await this.reader.read(entry.offset, end - entry.offset);
      const object = parseIndirectObject(bytes, context);
      context.assign(ref, object);
      return object;
    };
    const reach = async (start: PDFObject, skipParent = false): Promise<void> => {
      const queue: PDFObject[] = [start];
      const visited = new Set<string>();
      while (queue.length) {
        const item = queue.pop()!;
        if (item instanceof PDFRef) {
          if (visited.has(item.tag)) continue;
          visited.add(item.tag);
          if (visited.size > 100_000) throw new Error("page reaches too many objects");
          const target = await load(item);
          if (target) queue.push(target);
        } else if (item instanceof PDFDict || item instanceof PDFStream) {
          const dict = item instanceof PDFStream ? item.dict : item;
          for (const [key, value] of dict.entries()) if (!(skipParent && key === PDFName.of("Parent"))) queue.push(value);
        } else if (item instanceof PDFArray) {
          queue.push(...item.asArray());
        }
      }
    };
    return {
      context,
      reach,
      async dict(ref: PDFObject | undefined): Promise<PDFDict> {
        const object = ref instanceof PDFRef ? await load(ref) : ref;
        if (!(object instanceof PDFDict)) throw new Error("expected a dictionary");
        return object;
      },
    };
  }
}

/** Parses `N G obj <object> endobj` from the start of `bytes`. */
function parseIndirectObject(bytes: Uint8Array, context: PDFContext): PDFObject {
  const head = /^\s*\d+\s+\d+\s+obj/.exec(latin1.decode(bytes.subarray(0, 64)));
  if (!head) throw new Error("not an object");
  return PDFObjectParser.forBytes(bytes.subarray(head[0].length), context).parseObject();
}

/** One xref section (table or stream) into `xref`, newer entries first; returns its trailer. */
async function readXrefSection(reader: RangeReader, at: number, xref: Map<number, XrefEntry>): Promise<PDFDict> {
  const context = PDFContext.create();
  let window = await reader.read(at, Math.min(256 * 1024, reader.size - at));
  let text = latin1.decode(window);
  if (/^\s*xref/.test(text)) {
    // A classic table: grow the window until its trailer dictionary is in it.
    while (!/trailer\s*<<[\s\S]*>>\s*(startxref|$)/.test(text) && at + window.length < reader.size) {
      window = await reader.read(at, Math.min(window.length * 4, reader.size - at));
      text = latin1.decode(window);
    }
    const trailerAt = text.indexOf("trailer");
    const table = text.slice(0, trailerAt);
    const sections = table.matchAll(/(\d+)\s+(\d+)\s*[\r\n]+((?:\d{10}\s+\d{5}\s+[nf]\s*)*)/g);
    for (const [, first, , rows] of sections) {
      let number = Number(first);
      for (const row of rows.matchAll(/(\d{10})\s+(\d{5})\s+([nf])/g)) {
        if (!xref.has(number) && row[3] === "n") xref.set(number, { offset: Number(row[1]) });
        number++;
      }
    }
    const dictStart = window.subarray(trailerAt + "trailer".length);
    const trailer = PDFObjectParser.forBytes(dictStart, context).parseObject();
    if (!(trailer instanceof PDFDict)) throw new Error("bad trailer");
    return trailer;
  }
  const stream = parseIndirectObject(window, context);
  if (!(stream instanceof PDFRawStream)) throw new Error("no xref at startxref");
  for (const entry of PDFXRefStreamParser.forStream(stream).parseIntoContext()) {
    const number = entry.ref.objectNumber;
    if (xref.has(number) || entry.deleted) continue;
    xref.set(number, entry.inObjectStream ? { stream: entry.offset } : { offset: entry.offset });
  }
  return stream.dict;
}
