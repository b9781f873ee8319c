/**
 * Identifiers a page speaks of but whose label no rule read: a form laid out in columns (its
 * labels in one, its values in another), a label in words no rule knows. When the page names an
 * IMO number, an MMSI or a call sign and no value of that kind was found on it, the one token that
 * passes that identifier's own check is taken, flagged `unlabelled` and held less sure: an IMO
 * number's check digit (one 7-digit number in ten passes it), an MMSI's MID, and for a call sign
 * the ITU series of the one flag the page names. Two such tokens leave the choice to a reviewer.
 */
import { callSignFitsFlag } from "./call-signs";
import type { Candidate } from "./tables";
import { validate } from "./values";

/** The flag every value found this way carries. */
export const UNLABELLED = "unlabelled";

interface Kind {
  label: string;
  /** Words by which a page speaks of the identifier. */
  named: RegExp;
  /** A token that may be one: standing alone, not part of a date, a phone number or a code. */
  token: RegExp;
}

const kinds: Kind[] = [
  {
    label: "IMO_NUMBER",
    named: /\b(?:IMO|OMI|Lloyd['’]?s)\b|\bship identification number\b|\bnum[ée]ro d['’]identification du navire\b|\bidentificador (?:único )?del buque\b/i,
    token: /(?<![\p{L}\p{N}+./-]|\d[ -])\d{7}(?![\p{L}\p{N}/-]|[ .,-]\d)/gu,
  },
  {
    label: "MMSI",
    named: /\bMMSI\b|\bmaritime mobile service identity\b|\bservice mobile maritime\b|\bservicio m[oó]vil mar[ií]timo\b/i,
    token: /(?<![\p{L}\p{N}+./-]|\d[ -])\d{9}(?![\p{L}\p{N}/-]|[ .,-]\d)/gu,
  },
  {
    label: "IRCS_CALL_SIGN",
    named: /\b(?:call ?signs?|IRCS|radio call|indicatif|distintivo|indicativo|signal letters|lettres d['’]appel|se[ñn]al distintiva|distinctive (?:number or )?letters)\b/i,
    token: /(?<![\p{L}\p{N}./-])(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{4,7}(?![\p{L}\p{N}/-]|\.\p{L})/gu,
  },
];

export function unlabelledIdentifiers(text: string, found: readonly Candidate[]): Candidate[] {
  const flags = new Set(found.filter((c) => c.label === "FLAG_STATE" && !c.flags.length).map((c) => c.value));
  const flag = flags.size === 1 ? [...flags][0] : null;
  const taken = (start: number, end: number) => found.some((c) => c.start < end && start < c.end);
  const out: Candidate[] = [];
  for (const kind of kinds) {
    if (found.some((c) => c.label === kind.label) || !kind.named.test(text)) continue;
    const fitting = [...text.matchAll(kind.token)].filter((m) => !taken(m.index!, m.index! + m[0].length) && passes(kind.label, m[0], flag));
    const values = new Set(fitting.map((m) => m[0]));
    if (values.size !== 1) continue;
    for (const m of fitting) out.push({ label: kind.label, start: m.index!, end: m.index! + m[0].length, source: "rule", record: null, value: m[0], flags: [UNLABELLED], confidence: 0.5 });
  }
  return out;
}

function passes(label: string, token: string, flag: string | null): boolean {
  const checked = validate(label, token);
  if (!checked || checked.flags.length) return false;
  return label !== "IRCS_CALL_SIGN" || (flag !== null && callSignFitsFlag(checked.value, flag));
}
