/**
 * A learned reader of vessel facts in free text: an averaged-perceptron sequence tagger (BIO tags,
 * greedy left to right) over features of each word and its neighbours: its form and shape, the
 * words around it, the form label its line starts with, whether it is a country, a nationality or
 * a legal form. Trained by dev/train-tagger.ts on the tuning half of the phrasings of real
 * documents (bench/eval/phrasings) filled with real list rows; its weights are built into the
 * Worker (./reference/tagger.json). Rules stay the judges of what they check: ./learned.ts takes
 * the tagger's spans only where they validate and where the rules found none of their label.
 */
import countries from "i18n-iso-countries";
import { LEGAL_FORM } from "./phrases";
import { nationalityForms } from "./nationalities";
import { imoCheckDigitValid } from "./values";
import { labelForHeader } from "./headers";
import { labelsOf } from "./form-labels";
import { NOUN } from "./vessel-names";

/** The labels the tagger reads. */
const TAGGED = ["VESSEL_NAME", "OWNER_NAME", "OPERATOR_NAME", "FLAG_STATE", "PREVIOUS_NAME", "PREVIOUS_FLAG", "IMO_NUMBER", "IRCS_CALL_SIGN", "MMSI"] as const;
export const TAGS: readonly string[] = ["O", ...TAGGED.flatMap((label) => [`B-${label}`, `I-${label}`])];

export interface Token {
  text: string;
  start: number;
  end: number;
}

/**
 * The weights the training script writes: per feature, its non-zero weights as pairs of a tag's
 * index (in `tags`) and a whole number (the weights scaled, which leaves the best tag the same).
 */
export interface TaggerModel {
  tags: readonly string[];
  weights: Record<string, readonly number[]>;
  /**
   * How far a span's least sure word must beat O, in these units, for its fact to be taken:
   * chosen by cross-validation on the tuning half, where it cut wrong flags and owners ("of
   * Chinese nationality") and few right ones (BENCHMARKS.md, "Session 11").
   */
  minMargin: number;
  /** The margin for a label where it differs from `minMargin`: names and owners gained from a lower one. */
  labelMargins?: Readonly<Record<string, number>>;
}

/** Words, numbers and each other mark on its own: "HSIN-HUNG-101's" is HSIN - HUNG - 101 ' s. */
export function tokenize(text: string): Token[] {
  return [...text.matchAll(/[\p{L}\p{M}]+|\d+|[^\s\p{L}\p{M}\d]/gu)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

const fold = (word: string) => word.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "");

// Country names in the three languages and the nationality adjectives, as folded token sequences.
const countryNames = new Set<string>();
for (const language of ["en", "fr", "es"]) {
  for (const names of Object.values(countries.getNames(language, { select: "all" }))) for (const name of names) countryNames.add(joinTokens(name));
}
const adjectives = new Set(nationalityForms.map(joinTokens));
const gazetteerLength = 5;
function joinTokens(text: string): string {
  return tokenize(fold(text)).map((t) => t.text).join(" ");
}

/** A word's shape: "Xx", "XX", "d", "X.X" (runs collapsed), so unseen names look like seen ones. */
function shape(word: string): string {
  return word.replace(/\p{Lu}/gu, "X").replace(/\p{Ll}/gu, "x").replace(/\d/g, "d").replace(/(.)\1+/g, "$1");
}

/** Which tokens (from, to) spell a known name in `set`: the longest at each start. */
function gazetteer(words: readonly string[], set: ReadonlySet<string>, name: string, out: string[][]): void {
  for (let i = 0; i < words.length; i++) {
    for (let n = Math.min(gazetteerLength, words.length - i); n >= 1; n--) {
      if (!set.has(words.slice(i, i + n).join(" "))) continue;
      out[i].push(`${name}:B`);
      for (let k = i + 1; k < i + n; k++) out[k].push(`${name}:I`);
      i += n - 1;
      break;
    }
  }
}

/**
 * What a word cues, the same in each language ("owner", "propriétaire", "armador" -> OWNER_NAME): the
 * rules' words for table headers, the nouns for a vessel, and the verbs prose says a fact with. A
 * cue seen in one language's phrasings then counts in the others'.
 */
const PROSE_CUES: Record<string, string> = Object.fromEntries(
  Object.entries({
    FLAG_STATE: "flagged flying flies flew battant bat arborant enarbolando enarbola enarbolan enarbolaba abanderado abanderada abanderados registered immatricule immatricules matriculado matriculada",
    OWNER_NAME: "owned owns belonging belongs appartient appartenant appartiendrait appartenait propriete propiedad company companies societe empresa compania sociedad naviera firm",
    OPERATOR_NAME: "operated managed exploite gere operado gestionado explotado charterer affreteur fletador",
    PREVIOUS_NAME: "formerly previously former ex anciennement precedemment auparavant antes anteriormente renamed rebaptise rebautizado",
    VESSEL_NAME: "named called nomme appele llamado denominado",
  }).flatMap(([cue, words]) => words.split(" ").map((word) => [word, cue])),
);
const VESSEL_NOUN = new RegExp(`^(?:${NOUN})(?:s|es|x)?$`, "iu");
const cueCache = new Map<string, string>();
function cueOf(word: string): string {
  let cue = cueCache.get(word);
  if (cue === undefined) {
    cue = !/\p{L}/u.test(word) ? "" : (PROSE_CUES[word] ?? (VESSEL_NOUN.test(word) ? "VESSEL" : (labelForHeader(word) ?? "")));
    if (cueCache.size < 50_000) cueCache.set(word, cue);
  }
  return cue;
}

/** A word in capitals or with a capital first, or a number: what names and companies are made of. */
const capitalised = (token: Token) => /^[\p{Lu}\d]/u.test(token.text);
/** Marks that join a name's words ("HSIN-HUNG", "NO.7", "T&T", "O'BRIEN"). */
const joiner = (token: Token) => /^[-.'’/&]$/.test(token.text);

/**
 * Runs of capitalised words and numbers (joined by marks, within a line): each word of one gets
 * the words around the whole run, so a long name's last word sees the cue before its first.
 */
function runFeatures(text: string, tokens: readonly Token[], words: readonly string[], out: string[][]): void {
  const sameLine = (a: number, b: number) => !text.slice(tokens[a].end, tokens[b].start).includes("\n");
  for (let i = 0; i < tokens.length; ) {
    if (!capitalised(tokens[i])) {
      i++;
      continue;
    }
    let end = i;
    const joins = (k: number) => joiner(tokens[k]) && k + 1 < tokens.length && capitalised(tokens[k + 1]) && sameLine(k, k + 1);
    while (end + 1 < tokens.length && sameLine(end, end + 1) && (capitalised(tokens[end + 1]) || joins(end + 1))) end++;
    const length = end - i + 1;
    const before = i > 0 && sameLine(i - 1, i) ? words[i - 1] : "<line>";
    const before2 = i > 1 && sameLine(i - 2, i) ? `${words[i - 2]}|${before}` : "<line>";
    const after = end + 1 < tokens.length && sameLine(end, end + 1) ? words[end + 1] : "<line>";
    const upper = tokens.slice(i, end + 1).every((t) => !/\p{Ll}/u.test(t.text));
    for (let k = i; k <= end; k++) {
      const position = length === 1 ? "S" : k === i ? "B" : k === end ? "E" : "I";
      out[k].push(`run-len:${Math.min(length, 4)}`, `run-pos:${position}`, `run-before:${before}`, `run-before2:${before2}`, `run-after:${after}`, `run-upper:${upper}`, `run-around:${before}|${after}`);
    }
    i = end + 1;
  }
}

/** The features of each token that do not depend on the tags before it. */
export function tokenFeatures(text: string, tokens: readonly Token[]): string[][] {
  const words = tokens.map((t) => fold(t.text));
  const shapes = tokens.map((t) => shape(t.text));
  const out = tokens.map(() => [] as string[]);
  const known = tokens.map(() => [] as string[]);
  gazetteer(words, countryNames, "country", known);
  gazetteer(words, adjectives, "adjective", known);
  runFeatures(text, tokens, words, known);
  const cues = words.map(cueOf);
  // The form label of the token's line: the words before its first colon (or tab), if the token comes after it.
  let lineStart = 0;
  let label: string[] = [];
  let labelFields = "";
  tokens.forEach((token, i) => {
    const lineBegins = i === 0 || text.slice(tokens[i - 1].end, token.start).includes("\n");
    if (lineBegins) {
      lineStart = i;
      label = [];
      labelFields = "";
    }
    const f = out[i];
    const w = words[i];
    const at = (k: number) => (i + k >= 0 && i + k < tokens.length ? words[i + k] : k < 0 ? "<s>" : "</s>");
    const shapeAt = (k: number) => (i + k >= 0 && i + k < tokens.length ? shapes[i + k] : "-");
    // (The word is always second: the tag features pair it with the tag before.)
    f.push("bias", `w:${w}`, `s:${shapes[i]}`, `p3:${w.slice(0, 3)}`, `x3:${w.slice(-3)}`, `w-1:${at(-1)}`, `w+1:${at(1)}`, `w-2:${at(-2)}`, `w+2:${at(2)}`);
    f.push(`s-1:${shapeAt(-1)}`, `s+1:${shapeAt(1)}`, `w-2w-1:${at(-2)}|${at(-1)}`, `w-1w:${at(-1)}|${w}`, `ww+1:${w}|${at(1)}`, `w+1w+2:${at(1)}|${at(2)}`);
    f.push(`s-1s:${shapeAt(-1)}|${shapes[i]}|${shapeAt(1)}`);
    if (lineBegins) f.push("line-start");
    if (i + 1 === tokens.length || text.slice(token.end, tokens[i + 1].start).includes("\n")) f.push("line-end");
    if (label.length) f.push(`label:${label.slice(-2).join(" ")}`, `label1:${label.at(-1)}`, `label-pos:${Math.min(i - lineStart - label.length, 4)}`, `label-fields:${labelFields}`);
    const cueAt = (k: number) => (i + k >= 0 && i + k < tokens.length ? cues[i + k] : "");
    if (cues[i]) f.push(`c:${cues[i]}`);
    if (cueAt(-1)) f.push(`c-1:${cueAt(-1)}`);
    if (cueAt(-2)) f.push(`c-2:${cueAt(-2)}`);
    if (cueAt(1)) f.push(`c+1:${cueAt(1)}`);
    // The cues of the words before it on its line (or the line before), as a bag: "owned by the Taiwanese company X".
    for (let k = 1; k <= 8 && i - k >= 0 && i - k >= lineStart - 4; k++) if (cues[i - k]) f.push(`lc:${cues[i - k]}`);
    f.push(...known[i]);
    // Cues further left ("flying the flag of the Republic of"), as a bag of words: three to six
    // words back, reaching at most three words into the line before.
    for (let k = 3; k <= 6 && i - k >= lineStart - 3 && i - k >= 0; k++) f.push(`l:${words[i - k]}`);
    // A company's name runs to its legal form: one ahead on the line says "this may be an owner".
    for (let k = 1; k <= 6 && i + k < tokens.length; k++) {
      if (text.slice(tokens[i + k - 1].end, tokens[i + k].start).includes("\n")) break;
      if (LEGAL_FORM.test(tokens[i + k].text)) {
        f.push(`legal-ahead:${Math.min(k, 3)}`);
        break;
      }
    }
    if (LEGAL_FORM.test(token.text)) f.push("legal");
    if (/^\d{7}$/.test(token.text)) f.push(imoCheckDigitValid(token.text) ? "imo-valid" : "imo-invalid");
    if (/^\d+$/.test(token.text)) f.push(`digits:${Math.min(token.text.length, 10)}`);
    if (/^\p{Lu}+$/u.test(token.text) && i > 0 && /^\p{Lu}+$/u.test(tokens[i - 1].text)) f.push("caps-run");
    if ((token.text === ":" || text[token.end] === "\t") && !label.length) {
      label = words.slice(lineStart, i + (token.text === ":" ? 0 : 1)).filter((word) => /\p{L}/u.test(word));
      if (!label.length) label = ["-"];
      // What the rules read the label as asking for: "Nombre del armador" and "Owner's name" alike.
      labelFields = labelsOf(text.slice(tokens[lineStart].start, token.text === ":" ? token.start : token.end)).join("+") || "-";
    }
  });
  return out;
}

/** Scores of every tag for one token: its features' weights summed. */
function scores(model: TaggerModel, features: readonly string[], previous: string, previous2: string): Float64Array {
  const total = new Float64Array(model.tags.length);
  const add = (feature: string) => {
    const pairs = model.weights[feature];
    if (pairs) for (let k = 0; k < pairs.length; k += 2) total[pairs[k]] += pairs[k + 1];
  };
  for (const feature of features) add(feature);
  for (const feature of tagFeatures(features, previous, previous2)) add(feature);
  return total;
}

/** The tag features that depend on the tags already given (the training script uses the same). */
export const tagFeatures = (features: readonly string[], previous: string, previous2: string) => [`t-1:${previous}`, `t-2t-1:${previous2}|${previous}`, `t-1w:${previous}|${features[1]}`];

/** Whether `tag` may follow `previous`: an inside tag only continues its own label. */
export const allowed = (tag: string, previous: string) => !tag.startsWith("I-") || previous.slice(2) === tag.slice(2);

/** The best tag for each token, left to right, and by how much it beat O. */
function tagTokens(model: TaggerModel, features: readonly string[][]): { tags: string[]; margins: number[] } {
  const tags: string[] = [];
  const margins: number[] = [];
  for (let i = 0; i < features.length; i++) {
    const previous = tags[i - 1] ?? "<s>";
    const total = scores(model, features[i], previous, tags[i - 2] ?? "<s>");
    let best = 0;
    for (let t = 1; t < total.length; t++) if (allowed(model.tags[t], previous) && total[t] > total[best]) best = t;
    tags.push(model.tags[best]);
    margins.push(total[best] - total[0]);
  }
  return { tags, margins };
}

export interface TaggedSpan {
  label: string;
  start: number;
  end: number;
  /** How far the span's least sure word beat O, in the model's units. */
  margin: number;
}

/** Spans from BIO tags: a B and the I tags after it. */
export function spansOf(tokens: readonly Token[], tags: readonly string[], margins: readonly number[] = []): TaggedSpan[] {
  const out: TaggedSpan[] = [];
  tags.forEach((tag, i) => {
    const margin = margins[i] ?? 0;
    if (tag.startsWith("B-")) out.push({ label: tag.slice(2), start: tokens[i].start, end: tokens[i].end, margin });
    else if (tag.startsWith("I-") && out.length) {
      const span = out[out.length - 1];
      span.end = tokens[i].end;
      span.margin = Math.min(span.margin, margin);
    }
  });
  return out;
}

/** The tagger's spans in a text. */
export function taggedSpans(model: TaggerModel, text: string): TaggedSpan[] {
  const tokens = tokenize(text);
  if (!tokens.length) return [];
  const { tags, margins } = tagTokens(model, tokenFeatures(text, tokens));
  return spansOf(tokens, tags, margins);
}
