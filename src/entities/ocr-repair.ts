/**
 * Call signs as OCR misreads them, put right only where the page itself says how: on pages read
 * by OCR (a text layer says what the PDF says, so nothing there is touched), and every value
 * changed here carries `ircs_ocr_repaired` so a reviewer sees that the reading was mended.
 */
import { callSignAllocated, callSignFitsFlag } from "./call-signs";

/** The flag every repaired call sign carries. */
export const OCR_REPAIRED = "ircs_ocr_repaired";

/**
 * A call-sign cell's text with glyph misreads undone, each a pattern real call signs (1,328 in the
 * tuning lists and NEAFC's) all but never show: a J read as ")" (a closing bracket with no opening
 * one: "7)AB"); one glyph read twice as "S8" or "S5" ("CUDAS8" for CUDA8, "4S5F3449" for 4SF3449;
 * one real call sign in 1,328, LADS8, has it); and an O read as 0 next to a letter past the
 * prefix ("S70M" for S7OM; none of the 1,328 has it).
 */
export function unmisread(text: string): string {
  const trimmed = text.trim();
  const unbracketed = trimmed.includes("(") ? trimmed : trimmed.replaceAll(")", "J");
  const once = unbracketed.replace(/^(.S)[58]/, "$1");
  const prefix = once.slice(0, 2);
  const suffix = once.slice(2).replace(/S(?=[58])/g, "");
  const beside = (i: number) => (prefix + suffix)[i + 1] + (suffix[i + 1] ?? "");
  return prefix + suffix.replace(/0/g, (zero, i: number) => (/[A-Z]/.test(beside(i)) ? "O" : zero));
}

/** Glyphs OCR takes for one another in capitals and digits. */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  "0": "ODQ", O: "0DQ", D: "0O", Q: "0O",
  "1": "IL", I: "1LJ", L: "1I", J: "I",
  "5": "S", S: "5", "8": "B", B: "8", "2": "Z", Z: "2", "6": "G", G: "6", "7": "T", T: "7", "4": "A", A: "4",
};

/** The series part of a call sign: its first three characters decide whose it is. */
const SERIES_LENGTH = 3;

/**
 * A call sign whose series is unallocated or not the flag's, read with look-alike glyphs in its
 * series part, or without a glyph read there that is not printed (a serif read as a letter):
 * "45F5302" on a Sri Lankan vessel is 4SF5302, "ESU3321" on a Cook Islands one E5U3321,
 * "9IMTX8" on a Malaysian one 9MTX8. The one reading that fits the flag with the fewest changes
 * (at most two), or null when the call sign already fits, none fits, or two fit equally.
 */
export function fitToFlag(callSign: string, flag: string): string | null {
  const fits = (candidate: string) => callSignAllocated(candidate) && callSignFitsFlag(candidate, flag);
  if (fits(callSign)) return null;
  let readings = [callSign];
  for (let changes = 1; changes <= 2; changes++) {
    readings = [...new Set(readings.flatMap(oneChangeAway))];
    const fitting = readings.filter(fits);
    if (fitting.length) return fitting.length === 1 ? fitting[0] : null;
  }
  return null;
}

/** Shorter than this, a call sign is no longer one a vessel has. */
const SHORTEST = 4;

function oneChangeAway(callSign: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < Math.min(SERIES_LENGTH, callSign.length); i++) {
    for (const glyph of LOOK_ALIKES[callSign[i]] ?? "") out.push(callSign.slice(0, i) + glyph + callSign.slice(i + 1));
    if (callSign.length > SHORTEST) out.push(callSign.slice(0, i) + callSign.slice(i + 1));
  }
  return out;
}

/** The flag of a call sign whose reading its column says is doubtful: kept for review, not a fact. */
export const OCR_DOUBTFUL = "ircs_ocr_doubtful";

/**
 * Small letters OCR reads for capitals of the same shape (c o s u v w x z differ only in size,
 * which a cell of capitals does not show), and l for I. A call sign holding another small letter
 * ("BZV4aN", "Jice") was misread in a way no case folding undoes.
 */
const SMALL_AS_CAPITAL: Readonly<Record<string, string>> = { c: "C", o: "O", s: "S", u: "U", v: "V", w: "W", x: "X", z: "Z", l: "I" };

/**
 * The capital readings of an OCR'd call-sign cell: stray marks dropped ("DSNK?2"), small letters
 * of a capital's shape made capitals ("BzzZ7", "DUlY"). A small letter beside its own capital may
 * be one glyph read twice ("BZVvZ8" for BZVZ8) or two glyphs ("BzzZ7" for BZZZ7): both readings
 * are given, for the column to decide (`likeItsPeers`). Null when another small letter is in it.
 */
export function capitalReadings(text: string): string[] | null {
  const marks = text.trim().replace(/[?%*'"`’,.:;!_~]/g, "");
  if (/[a-z]/.test(marks.replace(/[couvwxzsl]/g, ""))) return null;
  let readings = [""];
  for (let i = 0; i < marks.length; i++) {
    const glyph = marks[i];
    const capital = SMALL_AS_CAPITAL[glyph];
    if (!capital) {
      readings = readings.map((r) => r + glyph);
      continue;
    }
    const twin = marks[i - 1] === capital || marks[i + 1] === capital;
    readings = readings.flatMap((r) => (twin ? [r + capital, r] : [r + capital]));
  }
  return [...new Set(readings)].filter((r) => r.length >= SHORTEST);
}

/** Call signs of one series share their length and shape: the column's others of this one's first two characters. */
const seriesPeers = (callSign: string, peers: readonly string[]) => peers.filter((p) => p !== callSign && p.slice(0, 2) === callSign.slice(0, 2));

/**
 * Of a cell's readings, the one as long as most of its column's call signs of the same series
 * ("BZVZ8", not "BZVVZ8", among Chinese BZ call signs of five characters); null when the column
 * does not decide.
 */
export function likeItsPeers(readings: readonly string[], peers: readonly string[]): string | null {
  if (readings.length === 1) return readings[0];
  const support = readings.map((r) => seriesPeers(r, peers).filter((p) => p.length === r.length).length);
  const best = Math.max(...support);
  return best > 0 && support.filter((s) => s === best).length === 1 ? readings[support.indexOf(best)] : null;
}

/** From this length on, call signs all but always end in a digit. */
const ENDS_IN_A_DIGIT = 5;

/**
 * A long call sign ending in a letter OCR reads for a digit: of the 2,939 call signs of five
 * characters or more in the tuning lists (IOTC, FFA, NEAFC; "PENDING" is none), 2,900 end in a
 * digit, none in O or I, 2 in S. A final O or I is the digit it looks like ("BZXD9O" ->
 * BZXD90); a final S is a 5 or an 8, and the reading doubtful; any other ending as read.
 */
export function lastGlyph(callSign: string): { value: string; doubtful: boolean } {
  if (callSign.length < ENDS_IN_A_DIGIT) return { value: callSign, doubtful: false };
  const last = callSign.at(-1);
  if (last === "O" || last === "I") return { value: callSign.slice(0, -1) + (last === "O" ? "0" : "1"), doubtful: false };
  return { value: callSign, doubtful: last === "S" };
}
