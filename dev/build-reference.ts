/**
 * `npm run reference`: the reference tables in ../shared/data/reference (their provenance is in
 * SOURCES.md there) as compact JSON the Worker imports, so no CSV is parsed per request:
 *
 *   src/entities/reference/call-signs.json  ITU call-sign series (RR Appendix 42) -> ISO alpha-3
 *   src/entities/reference/species.json     FAO ASFIS 3-alpha codes -> names (scientific, en, fr, es)
 *   src/entities/reference/gears.json       FAO/CWP ISSCFG Rev.1 codes and abbreviations -> names
 *
 *   node dev/build-reference.ts [--check]   (--check: fail if the committed files differ)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";

const source = resolve(import.meta.dirname, "../../shared/data/reference");
const target = resolve(import.meta.dirname, "../src/entities/reference");

type Row = Record<string, string>;
const read = (file: string): Row[] => parse(readFileSync(join(source, file), "utf8"), { columns: true, skip_empty_lines: true }) as Row[];

/** [from, to, alpha-3] per series; an empty alpha-3 is an international organisation, not a state. */
function callSigns(): unknown {
  return {
    edition: "ITU Table of International Call Sign Series (Appendix 42 RR), ITU export of about 2024-12-09",
    series: read("itu-call-sign-series.csv").map((row) => [row.from, row.to, row.iso3]),
  };
}

/** code -> [scientific, English, French, Spanish] (empty strings where ASFIS has no name). */
function species(): unknown {
  const codes: Record<string, [string, string, string, string]> = {};
  for (const row of read("asfis-species.csv")) codes[row.alpha3_code] = [row.scientific_name, row.english_name, row.french_name, row.spanish_name];
  return { edition: "FAO ASFIS List of Species for Fishery Statistics Purposes, 2025 edition", codes };
}

/** [ISSCFG code, abbreviation, name] per gear (group headings left out). */
function gears(): unknown {
  return {
    edition: "FAO/CWP ISSCFG Rev.1 (2016) categories",
    gears: read("isscfg-gear.csv")
      .filter((row) => row.level === "gear")
      .map((row) => [row.isscfg_code, row.abbreviation, row.name]),
  };
}

const outputs: Record<string, unknown> = { "call-signs.json": callSigns(), "species.json": species(), "gears.json": gears() };
const check = process.argv.includes("--check");
let stale = false;
for (const [file, data] of Object.entries(outputs)) {
  const text = `${JSON.stringify(data)}\n`;
  const path = join(target, file);
  if (check) {
    const current = (() => {
      try {
        return readFileSync(path, "utf8");
      } catch {
        return "";
      }
    })();
    if (current !== text) {
      console.error(`${path} is not current: run npm run reference`);
      stale = true;
    }
  } else {
    writeFileSync(path, text);
    console.log(`${path}: ${text.length} bytes`);
  }
}
process.exit(stale ? 1 : 0);
