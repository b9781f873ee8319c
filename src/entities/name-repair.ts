/**
 * Vessel names as OCR misreads them, on OCR'd pages only: an O read for a zero among a word's
 * digits ("IMULAO207TLE" for IMULA0207TLE, "IMULAOO40MTR", "HAI XING 7O7"). None of the 10,264
 * names of the real lists in ../shared/data/rfmo has a letter O beside a digit in a word of two
 * digits or more; 1,640 of them have a zero there. The mended value carries `name_ocr_repaired`.
 */
import type { Candidate } from "./tables";

export const NAME_OCR_REPAIRED = "name_ocr_repaired";

/** The name with its words' misread zeros put back, or null when nothing was misread. */
export function unmisreadName(name: string): string | null {
  const mended = name.replace(/[A-Z0-9]*\d{2}[A-Z0-9]*|[A-Z0-9]*\d[A-Z0-9]*\d[A-Z0-9]*/g, (word) => (/[A-Z]/.test(word) ? word.replace(/O(?=O*\d)|(?<=\d)O/g, "0") : word));
  return mended === name ? null : mended;
}

/** Names and previous names on an OCR'd page, mended. */
export function mendNames(candidates: Candidate[]): void {
  for (const candidate of candidates) {
    if (candidate.label !== "VESSEL_NAME" && candidate.label !== "PREVIOUS_NAME") continue;
    const mended = unmisreadName(candidate.value);
    if (mended) Object.assign(candidate, { value: mended, flags: [...candidate.flags, NAME_OCR_REPAIRED] });
  }
}
