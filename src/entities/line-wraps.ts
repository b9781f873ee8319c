/**
 * Line breaks a printed page put inside a sentence, a form's label, a table's row or a vessel's
 * name, told from those that end a field, a heading or a paragraph.
 */
import { ENUMERATION, startsWithLabel } from "./form-labels";
import { LEGAL_FORM } from "./phrases";

/**
 * The text with the line breaks that only wrap (a line that runs to the margin and is left open,
 * or a sentence that goes on into a line that starts no field) read as spaces, so a cue and its
 * value on two lines ("... flying the flag of\nPanama") meet. One character for one: every offset
 * stays the clean text's.
 */
export function unwrapped(text: string): string {
  const lines = text.split("\n");
  const longest = Math.max(0, ...lines.map((line) => line.length));
  if (longest < 40) return text;
  let out = "";
  lines.forEach((line, i) => {
    out += line;
    if (i === lines.length - 1) return;
    const next = lines[i + 1];
    const wraps =
      line.length >= longest * 0.7 &&
      next.trim() !== "" &&
      // (A table's row ends with its line, and a new one starts with a pipe.)
      !/\|\s*$/.test(line) &&
      !/^\s*\|/.test(next) &&
      (nameNumberGoesOn(line, next) || (!enumerates(next) && (leftOpen(line, next) || sentenceGoesOn(line, next))));
    out += wraps ? " " : "\n";
  });
  return out;
}

/**
 * A sentence that goes on: no full stop ends the line, and the next starts no label, "label:" or
 * heading, unless a name or a company breaks there.
 */
function sentenceGoesOn(line: string, next: string): boolean {
  if (/[.:;!?。]["”»)]?\s*$/.test(line)) return false;
  const name = nameBreaks(line, next);
  const company = companyGoesOn(line, next);
  const nameInCapitals = name && /\p{Ll}/u.test(line) && /\p{Lu}{2,}$/u.test(line.trimEnd());
  if (startsWithLabel(next) && !numberGoesOn(line, next) && !company && !nameInCapitals) return false;
  if (/^\s*\p{L}[\p{L}'’]*(?:\s[\p{L}'’()]+){0,5}\s*[:;|]/u.test(next)) return false;
  return !(heading(next) && !name && !company);
}

/** A line that starts an enumeration: "(a) ...", "2. ...", not a legal form's bracket "(PVT)LTD". */
const enumerates = (line: string) => ENUMERATION.test(line) && !/^\s*\([\p{Lu}\d]{1,3}\)\p{L}/u.test(line);

/**
 * A line that cannot end where it does, whatever the next one starts with: on a word no label or
 * sentence ends on ("... numéro d'identification OMI ou" + "numéro MMSI) : X") or a comma, on the
 * words for a code before the code ("radio call sign" + "LGFV, ..."), with no separator of its own
 * before one that goes on in small letters ("... and email" + "address; V6PM6"), before one that
 * goes on with "and", "et", "y" ("... de son capitaine" + "et de tout exploitant : X"), inside a
 * bracket the next line closes, inside a table's row ("| Numéro OMI" + "d'identification |"), or
 * on a name's "NO." before its number ("NIKKO MARU NO." + "51, Japan").
 */
function leftOpen(line: string, next: string): boolean {
  const end = line.trimEnd();
  return (
    CONNECTIVE_END.test(end) ||
    end.endsWith(",") ||
    (CODE_CUE_END.test(end) && /^\s*[A-Z0-9]{3,}\b/.test(next)) ||
    (!/[.:;!?]/.test(end) && /^\s*\p{Ll}/u.test(next)) ||
    CONJUNCTION_START.test(next) ||
    (/\([^()]*$/.test(end) && /^[^()]*\)/.test(next)) ||
    /^\s*\|/.test(end) ||
    (/(?:^|\s)(?:NO|No|Nº|N°)\.?$/.test(end) && /^\s*\d/.test(next))
  );
}
const CONNECTIVE_END = /(?:^|\s)(?:and|or|of|the|its|their|with|for|to|et|ou|de|du|des|la|le|les|son|sa|ses|leur|pour|avec|y|o|del|el|los|las|su|sus|para|con)$/;
/** The words for a code that a line may end on, its value starting the next: "... radio call sign" + "LGFV, port of registry". */
const CODE_CUE_END = /(?:call\s+sign|indicatif(?:\s+d['’]appel)?(?:\s+radio)?|distintivo\s+de\s+llamada|IMO(?:\s+(?:No\.?|number))?|OMI|MMSI)$/i;
const CONJUNCTION_START = /^\s*(?:and|or|et|ou|y|o|with|avec|con)\s/;

/**
 * A line that starts in capitals is a heading or a form's label ("VESSEL DETAILS", "DATE FILED 26
 * May"), unless a name breaks there: the line before ends on a word (not a code) and the sentence
 * goes on right after the capitals ("the Indonesian-flagged SINAR" + "NELAYAN 01.", "the MARIA" +
 * "MAGDALENA III was held", "y el" + "SVANAUG ELISE–, cuando", "su nombre es \"PERINTIS" + "JAYA - 47\" y",
 * "master of the ... vessel RYOAN" + "MARU No. 15 pleaded").
 */
const heading = (line: string) => /^\s*\p{Lu}[\p{Lu}\s/]{3,}\s/u.test(line);
const nameBreaks = (line: string, next: string) =>
  /(?:^|[\s"“«‘])(?:\p{Lu}{2,}|\p{Ll}+)$/u.test(line.trimEnd()) && /^\s*[\p{Lu}\d](?:[\p{Lu}\d\s.'’/#-]|N[oº°]\.?)*?(?:[,.;–—"”»)]|\s\p{Ll}|$)/u.test(next);
/**
 * A name's number alone at the start of the next line, though it reads like an enumeration's: "the
 * Chinese-flagged LU RONG YUAN YU" + "889.", "SUNSHINE NO." + "8, flagged"; a list's "2. The
 * Commission" goes on in capitals.
 */
const nameNumberGoesOn = (line: string, next: string) => /(?:\p{Lu}{2,}|\sN[Oº°]\.?)$/u.test(line.trimEnd()) && /^\s*\d{1,4}(?:[.,;:]?\s*$|\.?[,;)]|\.?\s+\p{Ll})/u.test(next);
/** A name's number wrapped onto the next line after its words in capitals: "YUHO MARU" + "NO.38, battant". */
const numberGoesOn = (line: string, next: string) => /\p{Lu}{2,}$/u.test(line.trimEnd()) && /^\s*(?:NO|No|Nº|N°)\.?\s*\d/u.test(next);

/**
 * A company's name wrapped before its legal form: "the company IKEDA SUISAN CO.," + "LTD,
 * registered in", "owned by UNITED" + "JAGUAR FISHERY (PNG) LIMITED, but", "belonging to the
 * OCEAN" + "ENCOUNTER (Nauru) Limited that", "Zhejiang Ocean" + "Family Co., Ltd".
 */
function companyGoesOn(line: string, next: string): boolean {
  const last = /\p{Lu}[\p{L}.,&]*$/u.exec(line.trimEnd())?.[0];
  if (!last) return false;
  const words = next.trim().split(/\s+/).slice(0, 6);
  const legalForm = (word: string) => LEGAL_FORM.test(word.replace(/[,;.]+$/, ""));
  // ("... Isabella Fishing Limited" + "DATE CORPORATION FILED": a name that has its legal form is whole, unless another follows.)
  if (legalForm(last)) return legalForm(words[0] ?? "");
  for (const word of words) {
    if (legalForm(word)) return true;
    if (!/^[\p{Lu}\d(]/u.test(word)) return false;
  }
  return false;
}
