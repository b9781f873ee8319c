/**
 * Species against FAO's ASFIS list (./reference/species.json, built by `npm run reference`; its
 * edition is in the file): a 3-alpha code is checked, and a species named in words (scientific,
 * English, French or Spanish name, "Thon obèse(=Patudo)" read as both) is normalised to its code.
 */
import table from "./reference/species.json";

const codes = table.codes as unknown as Record<string, [scientific: string, english: string, french: string, spanish: string]>;

const fold = (text: string) =>
  text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/** A name's spellings: "Thon obèse(=Patudo)" -> "thon obese", "patudo", "thon obese patudo". */
function spellings(name: string): string[] {
  const out = [fold(name)];
  const bracket = /^(.*?)\(=\s*([^)]*)\)(.*)$/.exec(name);
  if (bracket) out.push(fold(`${bracket[1]}${bracket[3]}`), fold(bracket[2]));
  return out.filter(Boolean);
}

/** Folded name -> codes, English first where a name means different species in two languages ("Albacore"). */
let byName: Map<string, string[]> | null = null;
function names(): Map<string, string[]> {
  if (byName) return byName;
  byName = new Map();
  // Built once per isolate, on first use: ~50k names, a few milliseconds.
  for (const column of [1, 0, 2, 3]) {
    for (const [code, row] of Object.entries(codes)) {
      for (const spelling of spellings(row[column])) {
        const known = byName.get(spelling);
        if (!known) byName.set(spelling, [code]);
        else if (!known.includes(code)) known.push(code);
      }
    }
  }
  return byName;
}

/** Whether a 3-alpha code is in ASFIS. */
export function speciesCodeKnown(code: string): boolean {
  return Object.hasOwn(codes, code.trim().toUpperCase());
}

/** The ASFIS codes a species name stands for (one, or several when languages disagree), or none. */
export function speciesCodes(name: string): string[] {
  const folded = fold(name);
  return names().get(folded) ?? names().get(folded.replace(/s$/, "")) ?? [];
}

/** The English name of a code, for display. */
export function speciesName(code: string): string | null {
  const row = codes[code.toUpperCase()];
  return row ? row[1] || row[0] : null;
}

/**
 * Species named in running text: the longest run of two to five words that is an ASFIS name
 * ("bigeye tuna", "Dissostichus eleginoides", "légine australe"). Single words are left to labelled
 * fields: ASFIS holds names like "Churchill" and "Bulldog".
 */
export function speciesInText(text: string): Array<{ start: number; end: number; codes: string[] }> {
  const words = [...text.matchAll(/[\p{L}][\p{L}'’-]*/gu)];
  const out: Array<{ start: number; end: number; codes: string[] }> = [];
  for (let i = 0; i < words.length; i++) {
    for (let n = Math.min(5, words.length - i); n >= 2; n--) {
      const start = words[i].index!;
      const last = words[i + n - 1];
      const end = last.index! + last[0].length;
      const span = text.slice(start, end);
      // Words on one line, separated by spaces only; a name in capitals is a vessel's ("BLUE MARLIN").
      if (/[^\p{L}'’ -]/u.test(span) || !/\p{Ll}/u.test(span)) continue;
      const found = speciesCodes(span);
      if (found.length) {
        out.push({ start, end, codes: found });
        i += n - 1;
        break;
      }
    }
  }
  return out;
}
