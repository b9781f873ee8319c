/** Builds a page's clean text and its map back to the raw output together, so they cannot disagree. */
import type { OffsetRun } from "./grounding.ts";

export class CleanText {
  private value = "";
  readonly offsets: OffsetRun[] = [];

  get position(): number {
    return this.value.length;
  }

  /** Characters copied from raw[rawIndex...]; newlines become spaces where `flatten` asks. */
  copy(text: string, rawIndex: number, flatten = false): void {
    if (!flatten) return this.push(text, rawIndex, 1);
    let at = 0;
    for (const match of text.matchAll(/[\r\n]+/g)) {
      this.push(text.slice(at, match.index), rawIndex + at, 1);
      this.push(" ", rawIndex + match.index, 0);
      at = match.index + match[0].length;
    }
    this.push(text.slice(at), rawIndex + at, 1);
  }

  /** Characters the markup at raw[rawIndex] stands for. */
  stand(text: string, rawIndex: number): void {
    this.push(text, rawIndex, 0);
  }

  endsWith(suffix: string): boolean {
    return this.value.endsWith(suffix);
  }

  slice(start: number): string {
    return this.value.slice(start);
  }

  /** Drops trailing whitespace, and its offsets with it, never below `floor`. */
  trimEnd(floor = 0): void {
    const kept = this.value.slice(floor).replace(/[ \t\n]+$/, "");
    const trimmed = this.value.slice(0, floor) + kept;
    if (trimmed.length === this.value.length) return;
    this.value = trimmed;
    while (this.offsets.length) {
      const last = this.offsets[this.offsets.length - 1];
      if (last[0] >= trimmed.length) this.offsets.pop();
      else {
        last[2] = Math.min(last[2], trimmed.length - last[0]);
        break;
      }
    }
  }

  toString(): string {
    return this.value;
  }

  private push(text: string, raw: number, step: 0 | 1): void {
    if (!text) return;
    const last = this.offsets[this.offsets.length - 1];
    const length = this.value.length;
    if (last && last[3] === step && last[0] + last[2] === length && (step === 0 ? last[1] === raw : last[1] + last[2] === raw)) {
      last[2] += text.length;
    } else {
      this.offsets.push([length, raw, text.length, step]);
    }
    this.value += text;
  }
}
