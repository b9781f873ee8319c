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

/**
 * Territories and the state whose series they use: the Faroes and Greenland Denmark's (OW, OX,
 * OY), French overseas collectivities France's, Taiwan China's (ITU allocates B to China). A call
 * sign from the parent's series on such a flag is expected, not a disagreement; an adjective the
 * two share is the state's (./nationalities.ts).
 */
export const PARENT_STATE: Readonly<Record<string, string>> = {
  FRO: "DNK", GRL: "DNK",
  SPM: "FRA", PYF: "FRA", NCL: "FRA", WLF: "FRA", REU: "FRA", MYT: "FRA", GLP: "FRA", MTQ: "FRA", GUF: "FRA", BLM: "FRA", MAF: "FRA", ATF: "FRA",
  TWN: "CHN", HKG: "CHN", MAC: "CHN",
  GUM: "USA", PRI: "USA", ASM: "USA", VIR: "USA", MNP: "USA", UMI: "USA",
  BMU: "GBR", CYM: "GBR", FLK: "GBR", GIB: "GBR", IMN: "GBR", JEY: "GBR", GGY: "GBR", MSR: "GBR", TCA: "GBR", VGB: "GBR", AIA: "GBR", SHN: "GBR", PCN: "GBR", IOT: "GBR", SGS: "GBR",
  ABW: "NLD", CUW: "NLD", SXM: "NLD", BES: "NLD",
  COK: "NZL", NIU: "NZL", TKL: "NZL",
  NFK: "AUS", CXR: "AUS", CCK: "AUS", HMD: "AUS",
  SJM: "NOR", BVT: "NOR", ALA: "FIN",
};

/** Whether a call sign fits a flag: its series is the flag's, or the parent state's of a territory. */
export function callSignFitsFlag(callSign: string, flag: string): boolean {
  const allocated = callSignCountries(callSign);
  return !allocated.length || allocated.includes(flag) || (PARENT_STATE[flag] !== undefined && allocated.includes(PARENT_STATE[flag]));
}

/** Whether the call sign begins with a series ITU has allocated to a state. */
export function callSignAllocated(callSign: string): boolean {
  return callSignCountries(callSign).length > 0;
}
