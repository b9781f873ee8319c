/** A PDF written out by hand, object by object, with its cross-reference table: for files no library would make. */
export function handWritten(objects: string[], trailerExtra = "", root = 1): Uint8Array {
  let text = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(text.length);
    text += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = text.length;
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, "0")} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root ${root} 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

/**
 * Like `handWritten`, with a cross-reference stream: the objects numbered in `compressed` (1-based)
 * go into one object stream. Either stream can carry `padding` bytes after its data, which a
 * reader inflates and then ignores: how a decompression bomb hides in a file's structure.
 */
export async function handWrittenWithStreams(
  objects: string[],
  options: { compressed?: number[]; objectStreamPadding?: number; xrefPadding?: number; unreferencedBytes?: number } = {},
): Promise<Uint8Array> {
  const { compressed = [], objectStreamPadding = 0, xrefPadding = 0, unreferencedBytes = 0 } = options;
  const objectStream = objects.length + 1;
  const xrefStream = objects.length + 2;
  const chunks: Uint8Array[] = [latin1("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")];
  let length = chunks[0].length;
  const write = (bytes: Uint8Array) => {
    chunks.push(bytes);
    length += bytes.length;
  };
  const rows: Array<[number, number, number]> = [[0, 0, 0xffff]];
  objects.forEach((body, i) => {
    const index = compressed.indexOf(i + 1);
    if (index >= 0) rows.push([2, objectStream, index]);
    else {
      rows.push([1, length, 0]);
      write(latin1(`${i + 1} 0 obj\n${body}\nendobj\n`));
    }
  });
  let header = "";
  let bodies = "";
  for (const number of compressed) {
    header += `${number} ${bodies.length} `;
    bodies += `${objects[number - 1]}\n`;
  }
  const packed = await deflate(latin1(header + bodies), objectStreamPadding);
  rows.push([1, length, 0]);
  write(latin1(`${objectStream} 0 obj\n<< /Type /ObjStm /N ${compressed.length} /First ${header.length} /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`));
  write(packed);
  write(latin1("\nendstream\nendobj\n"));
  if (unreferencedBytes > 0) {
    // Random bytes in a comment-like stream no object refers to: a big file that is not a bomb.
    const noise = new Uint8Array(unreferencedBytes);
    for (let at = 0; at < noise.length; at += 65536) crypto.getRandomValues(noise.subarray(at, at + 65536));
    write(latin1(`% ${noise.length} bytes of padding\n`));
    write(noise.map((byte) => (byte === 0x0a || byte === 0x0d ? 0x20 : byte)));
    write(latin1("\n"));
  }
  const xrefAt = length;
  rows.push([1, xrefAt, 0]);
  const table = new Uint8Array(rows.length * 7);
  rows.forEach(([type, field2, field3], i) => {
    const view = new DataView(table.buffer, i * 7, 7);
    view.setUint8(0, type);
    view.setUint32(1, field2);
    view.setUint16(5, field3);
  });
  const data = await deflate(table, xrefPadding, 0);
  write(latin1(`${xrefStream} 0 obj\n<< /Type /XRef /Size ${rows.length} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length ${data.length} >>\nstream\n`));
  write(data);
  write(latin1(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`));
  return concat(chunks);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** zlib data of `bytes` followed by `padding` bytes of `fill`, streamed: gigabytes of padding never sit in memory. */
export async function deflate(bytes: Uint8Array, padding = 0, fill = 0x20): Promise<Uint8Array> {
  const chunk = new Uint8Array(Math.min(padding, 16 << 20)).fill(fill);
  let left = padding;
  const source = new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(new Uint8Array(bytes));
    },
    pull(controller) {
      if (left <= 0) return controller.close();
      const next = chunk.subarray(0, Math.min(left, chunk.length));
      left -= next.length;
      controller.enqueue(next);
    },
  });
  return new Uint8Array(await new Response(source.pipeThrough(new CompressionStream("deflate"))).arrayBuffer());
}
