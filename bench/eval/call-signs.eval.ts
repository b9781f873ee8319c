/**
 * How many rows of the real RFMO lists carry a call sign whose ITU series belongs to another
 * country than their flag (`ircs_flag_mismatch`), and why: the pairs (flag, series' country) that
 * account for them. Prints `figure_name: value` lines, then the ten most common pairs.
 */
import { it } from "vitest";
import { callSignCountries, callSignFitsFlag } from "../../src/entities/call-signs";
import { callSignShape, flagAlpha3 } from "../../src/entities/values";
import { lists, readList } from "../lists/rows";

it("counts call signs whose series is another country's than the flag", () => {
  let checked = 0;
  let unallocated = 0;
  let parentSeries = 0;
  const mismatches = new Map<string, { count: number; example: string }>();
  for (const spec of lists) {
    const flagColumn = spec.columns.find((c) => c.label === "FLAG_STATE")?.field;
    const callSignColumn = spec.columns.find((c) => c.label === "IRCS_CALL_SIGN")?.field;
    if (!flagColumn || !callSignColumn) continue;
    for (const row of readList(spec)) {
      const flag = flagAlpha3(row[flagColumn] ?? "");
      const callSign = callSignShape(row[callSignColumn] ?? "");
      if (!flag || !callSign) continue;
      checked++;
      const allocated = callSignCountries(callSign);
      if (!allocated.length) unallocated++;
      else if (!allocated.includes(flag)) {
        // Territories on their parent state's series are expected; counted apart.
        if (callSignFitsFlag(callSign, flag)) {
          parentSeries++;
          continue;
        }
        const key = `${flag}<-${allocated.join("/")}`;
        const entry = mismatches.get(key) ?? { count: 0, example: `${spec.list} ${callSign}` };
        entry.count++;
        mismatches.set(key, entry);
      }
    }
  }
  const total = [...mismatches.values()].reduce((sum, m) => sum + m.count, 0);
  const lines = [`ircs_rows_checked: ${checked}`, `ircs_flag_mismatch_rows: ${total}`, `ircs_series_unknown_rows: ${unallocated}`, `ircs_parent_series_rows: ${parentSeries}`];
  const top = [...mismatches].sort((a, b) => b[1].count - a[1].count).slice(0, 10);
  console.log([...lines, ...top.map(([pair, { count, example }]) => `# ${pair}: ${count} (e.g. ${example})`)].join("\n"));
});
