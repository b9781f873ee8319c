/**
 * Which country a call sign's series is allocated to (ITU Radio Regulations Appendix 42, as
 * ./reference/call-signs.json holds it; its edition is in the file). A series is three characters,
 * "3DN" to "3DZ"; a call sign whose third character is a digit ("V63KP282") belongs to the series
 * of its first two ("V6A"-"V6Z").
 */
import table from "./reference/call-signs.json";

const series = (table.series as Array<[string, string, string]>).map(([from, to, alpha3]) => ({ from, to, alpha3 }));

/** The ITU administrations (ISO alpha-3) a call sign's series belongs to: none when unallocated. */
export function callSignCountries(callSign: string): string[] {
  const compact = callSign.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (compact.length < 3) return [];
  const key = /[A-Z]/.test(compact[2]) ? compact.slice(0, 3) : `${compact.slice(0, 2)}A`;
  return [...new Set(series.filter((s) => key >= s.from && key <= s.to && s.alpha3).map((s) => s.alpha3))];
}

/** Whether the call sign begins with a series ITU has allocated to a state. */
export function callSignAllocated(callSign: string): boolean {
  return callSignCountries(callSign).length > 0;
}
