/** Precision, recall and F1 from true positives, false positives and false negatives. */
export function scores({ tp, fp, fn }: { tp: number; fp: number; fn: number }): { precision: number; recall: number; f1: number } {
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** Precision, recall and F1 per key, from found values matched against the expected ones. */
export class Tally {
  private readonly counts = new Map<string, { tp: number; fp: number; fn: number }>();

  /** Matches `found` against `expected` as multisets (a value expected twice must be found twice). */
  add(key: string, expected: Iterable<string>, found: Iterable<string>): void {
    const c = this.counts.get(key) ?? { tp: 0, fp: 0, fn: 0 };
    this.counts.set(key, c);
    const remaining = [...expected];
    for (const value of found) {
      const at = remaining.indexOf(value);
      if (at < 0) c.fp++;
      else {
        c.tp++;
        remaining.splice(at, 1);
      }
    }
    c.fn += remaining.length;
  }

  /**
   * `figure_name: value` lines, `<prefix><key>_{precision,recall,f1,expected}`. A key with nothing
   * expected and nothing found has no precision or recall to speak of: only `_expected: 0` is printed.
   */
  figures(prefix: string): string[] {
    const lines: string[] = [];
    for (const [key, counts] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      const { tp, fp, fn } = counts;
      const name = `${prefix}${key.toLowerCase().replace("@", "_in_")}`;
      if (tp + fp + fn > 0) {
        const { precision, recall, f1 } = scores(counts);
        lines.push(`${name}_precision: ${precision.toFixed(3)}`, `${name}_recall: ${recall.toFixed(3)}`, `${name}_f1: ${f1.toFixed(3)}`);
      }
      lines.push(`${name}_expected: ${tp + fn}`);
    }
    return lines;
  }
}
