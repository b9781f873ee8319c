/**
 * Flags by which the extractor says a value failed its own check (or, read by OCR, may well be
 * misread): the entity is kept with its flag for review, and is no fact (forms do not take it as a
 * field's value; the benches do not count it). A module of its own, with no imports, so that the
 * benches read the same list the extractor writes.
 */
export const failedCheckFlags: ReadonlySet<string> = new Set([
  "imo_check_digit_failed",
  "mmsi_mid_unknown",
  "ircs_series_unknown",
  "ircs_not_upper_case",
  "ircs_ocr_doubtful",
  "flag_unknown",
  "species_code_unknown",
]);
