/**
 * What an expert's submitted response did to the suggestions of its record: each suggested span is
 * accepted (same span, same label), relabelled (same or overlapping span, another label), resized
 * (overlapping span, same label, other bounds) or rejected (gone); each span nobody suggested is
 * added. Offsets are code points of the record's text, as Argilla gives them.
 */
import type { Span } from "./argilla";

export type CorrectionAction = "accept" | "relabel" | "resize" | "reject" | "add";

export interface Correction {
  action: CorrectionAction;
  original: (Span & { text: string }) | null;
  corrected: (Span & { text: string }) | null;
}

export function corrections(suggested: readonly Span[], submitted: readonly Span[], text: string): Correction[] {
  const characters = [...text];
  const withText = (span: Span) => ({ ...span, text: characters.slice(span.start, span.end).join("") });
  const unused = new Set(submitted.map((_, i) => i));
  const take = (match: (span: Span) => boolean): Span | null => {
    for (const i of unused) {
      if (match(submitted[i])) {
        unused.delete(i);
        return submitted[i];
      }
    }
    return null;
  };
  const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

  const out: Correction[] = [];
  for (const original of [...suggested].sort((a, b) => a.start - b.start || a.end - b.end)) {
    const exact = take((s) => s.start === original.start && s.end === original.end);
    // An overlapping span with the same label is the same entity resized; failing that, any overlap.
    const match = exact ?? take((s) => overlaps(s, original) && s.label === original.label) ?? take((s) => overlaps(s, original));
    const action: CorrectionAction = !match ? "reject" : match.label !== original.label ? "relabel" : exact ? "accept" : "resize";
    out.push({ action, original: withText(original), corrected: match ? withText(match) : null });
  }
  for (const i of [...unused].sort((a, b) => submitted[a].start - submitted[b].start)) {
    out.push({ action: "add", original: null, corrected: withText(submitted[i]) });
  }
  return out;
}
