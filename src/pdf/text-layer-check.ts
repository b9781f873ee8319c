/**
 * Whether a page's text layer can be read instead of OCR, and if not, why (the page shows the
 * reason). Unusable: no text or too little, characters without a Unicode mapping, text that does
 * not read as text (a font whose map is wrong), or invisible text over a scan that is not where
 * the scan has ink (an OCR layer made for another image, or misplaced).
 */
import type { Rect } from "../layout/geometry.ts";
import type { TextLayer } from "./text-layer.ts";

export type LayerVerdict = { usable: true } | { usable: false; reason: string };

/** Characters a text layer needs before it is worth trusting over OCR. */
const MIN_CHARACTERS = 20;
/** Share of characters without a Unicode mapping above which the layer is not text. */
const MAX_UNMAPPED_SHARE = 0.05;
/** Share of letters and digits below which the layer is symbols, not text. */
const MIN_ALPHANUMERIC_SHARE = 0.6;
/** Share of longer letter-only words without a vowel above which the words are not words. */
const MAX_VOWELLESS_SHARE = 0.45;
/** Share of invisible words that must sit on ink for an OCR layer to match its scan. */
const MIN_WORDS_ON_INK = 0.7;

/**
 * `inkShare(rect)`: the share of dark pixels of the rendered page inside a rectangle of the
 * displayed page (points); needed only when the text is invisible.
 */
export function judgeTextLayer(layer: TextLayer | null, inkShare?: (rect: Rect) => number): LayerVerdict {
  if (!layer || layer.stats.visible === 0) return { usable: false, reason: "no text layer" };
  const { visible, unmapped, invisible } = layer.stats;
  if (visible < MIN_CHARACTERS) return { usable: false, reason: `the text layer has only ${visible} characters` };
  if (unmapped > visible * MAX_UNMAPPED_SHARE) {
    return { usable: false, reason: `${percent(unmapped / visible)} of the text layer's characters have no Unicode mapping` };
  }
  const text = layer.words.map((w) => w.text).join("");
  const alphanumeric = (text.match(/[\p{L}\p{N}]/gu) ?? []).length;
  if (alphanumeric < text.length * MIN_ALPHANUMERIC_SHARE) {
    return { usable: false, reason: `the text layer is mostly symbols (${percent(1 - alphanumeric / text.length)} are not letters or digits)` };
  }
  const latinWords = layer.words.map((w) => w.text.replace(/[^\p{L}]/gu, "")).filter((w) => w.length >= 4 && /^[A-Za-zÀ-ɏ]+$/.test(w));
  const vowelless = latinWords.filter((w) => !/[aeiouyàâäéèêëíìîïóòôöúùûüýÿæœ]/i.test(w)).length;
  if (latinWords.length >= 10 && vowelless > latinWords.length * MAX_VOWELLESS_SHARE) {
    return { usable: false, reason: `the text layer does not read as text (${percent(vowelless / latinWords.length)} of its words have no vowel)` };
  }
  if (invisible > visible * 0.5 && inkShare) {
    const checked = layer.words.filter((w) => w.text.length >= 2);
    const onInk = checked.filter((w) => inkShare(layer.toDisplay(w)) >= 0.02).length;
    if (checked.length && onInk < checked.length * MIN_WORDS_ON_INK) {
      return { usable: false, reason: `its invisible text does not match the scanned image (${percent(1 - onInk / checked.length)} of its words lie on blank paper)` };
    }
  }
  return { usable: true };
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
