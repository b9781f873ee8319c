import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { llmRequest, locate } from "../../src/entities/llm";
import { extractEntities, flagAlpha3, imoCheckDigitValid, isoDate, labelForHeader, mmsiCountry } from "../../src/entities/extract";
import { parseGrounded } from "../../src/ocr/grounding";
import type { Page } from "../../src/objects/document/page";
import { readPage, relink } from "../../src/objects/document/header-carry";
import { fetchDoc, scriptOcr, subscribe, textPdf, uploadPdf, waitFor } from "./helpers";

const page = { width: 1000, height: 1000 };
const entitiesOf = (raw: string) => {
  const parsed = parseGrounded(raw, page);
  return { text: parsed.text, entities: extractEntities(parsed.text, parsed.blocks, 1) };
};

describe("recognisers", () => {
  it("checks the IMO check digit, and keeps a failing number flagged", () => {
    expect(imoCheckDigitValid("9074729")).toBe(true);
    expect(imoCheckDigitValid("7910187")).toBe(true);
    expect(imoCheckDigitValid("9074728")).toBe(false);
    const { entities } = entitiesOf("IMO 9074728 is a typo");
    expect(entities).toMatchObject([{ label: "IMO_NUMBER", value: "9074728", flags: ["imo_check_digit_failed"] }]);
  });

  it.each([
    ["IMO 9074729", "9074729"],
    ["IMO No.: 9074729", "9074729"],
    ["9074729 (IMO)", "9074729"],
    ["imo number 9074729", "9074729"],
  ])("finds the IMO number in %s", (text, value) => {
    const { entities } = entitiesOf(text);
    expect(entities.map((e) => [e.label, e.value, e.text])).toEqual([["IMO_NUMBER", value, value]]);
  });

  it("normalises flags from names and ISO codes to alpha-3", () => {
    expect(flagAlpha3("Panama")).toBe("PAN");
    expect(flagAlpha3("PA")).toBe("PAN");
    expect(flagAlpha3("ESP")).toBe("ESP");
    expect(flagAlpha3("Fiji")).toBe("FJI");
    expect(flagAlpha3("Atlantis")).toBeNull();
  });

  it("reads labelled values in free text", () => {
    const { text, entities } = entitiesOf("Vessel Name: MV Test Ship\nIMO: 1234567\nFlag: Panama\nIRCS: 3EAB7\nMMSI: 352001234\nOwner: Ocean Fishing S.A.");
    expect(entities.map((e) => [e.label, e.value])).toEqual([
      // The type prefix is not part of the name registries hold.
      ["VESSEL_NAME", "Test Ship"],
      ["IMO_NUMBER", "1234567"],
      ["FLAG_STATE", "PAN"],
      ["IRCS_CALL_SIGN", "3EAB7"],
      ["MMSI", "352001234"],
      ["OWNER_NAME", "Ocean Fishing S.A."],
    ]);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});

describe("MMSI against the flag", () => {
  it("reads the issuing country from the MID", () => {
    expect(mmsiCountry("352001234")).toBe("PAN");
    expect(mmsiCountry("224123450")).toBe("ESP");
    expect(mmsiCountry("520123456")).toBe("FJI");
    expect(mmsiCountry("111123456")).toBeNull(); // a SAR aircraft, no country
  });

  it("flags an MMSI issued by another country than the row's flag, and an unallocated MID", () => {
    const raw =
      "<|ref|>table<|/ref|><|det|>[[0,0,999,900]]<|/det|>\n<table><tr><td>vessel_name</td><td>flag_state</td><td>mmsi</td></tr>" +
      "<tr><td>SAME FLAG</td><td>Panama</td><td>352001234</td></tr>" +
      "<tr><td>REFLAGGED</td><td>Fiji</td><td>352001235</td></tr>" +
      "<tr><td>NO COUNTRY</td><td>Fiji</td><td>111123456</td></tr></table>";
    const mmsis = entitiesOf(raw).entities.filter((e) => e.label === "MMSI");
    expect(mmsis.map((e) => [e.value, e.flags])).toEqual([
      ["352001234", []],
      ["352001235", ["mmsi_flag_mismatch"]],
      ["111123456", ["mmsi_mid_unknown"]],
    ]);
  });

  it("compares in free text only when the page names one vessel", () => {
    const one = entitiesOf("Flag: Fiji\nMMSI: 352001234").entities.find((e) => e.label === "MMSI");
    expect(one?.flags).toEqual(["mmsi_flag_mismatch"]);
    const two = entitiesOf("Flag: Fiji\nMMSI: 352001234\nFlag: Panama").entities.find((e) => e.label === "MMSI");
    expect(two?.flags).toEqual([]);
  });
});

describe("tables", () => {
  it.each([
    ["IOTC", ["IOTC Number", "Type Code", "Type Name", "Name", "Flag State Code", "Flag State Name", "REGNO", "IMO", "IRCS", "Port Name", "LOA (m)", "GT", "Owner", "Owner Address", "Operator"],
      ["AUTHORIZATION_NUMBER", null, "VESSEL_TYPE", "VESSEL_NAME", "FLAG_STATE", "FLAG_STATE", "NATIONAL_REGISTRY_NUMBER", "IMO_NUMBER", "IRCS_CALL_SIGN", "REGISTRATION_PORT", "LENGTH", "TONNAGE", "OWNER_NAME", "OWNER_ADDRESS", "OPERATOR_NAME"]],
    ["PNA", ["Vessel Name", "Flag State", "Vessel Type", "IRCS", "IMO #", "FFA ID", "Length Overall", "Gross Weight", "VDS Reg No.", "Valid From"],
      ["VESSEL_NAME", "FLAG_STATE", "VESSEL_TYPE", "IRCS_CALL_SIGN", "IMO_NUMBER", "AUTHORIZATION_NUMBER", "LENGTH", "TONNAGE", "AUTHORIZATION_NUMBER", "VALIDITY_PERIOD"]],
    ["NPFC", ["NPFC Vessel_id", "flag_state", "vessel_name", "previous_name", "registration_no", "port_of_registry", "imo", "previous_flag", "call_sign", "mmsi"],
      ["AUTHORIZATION_NUMBER", "FLAG_STATE", "VESSEL_NAME", "PREVIOUS_NAME", "NATIONAL_REGISTRY_NUMBER", "REGISTRATION_PORT", "IMO_NUMBER", "PREVIOUS_FLAG", "IRCS_CALL_SIGN", "MMSI"]],
    ["NEAFC", ["SENDER", "FLAG", "IRCS", "NAME", "IMO_NUMBER", "EXT_MARK", "TYPE", "TONNAGE", "LENGTH"],
      [null, "FLAG_STATE", "IRCS_CALL_SIGN", "VESSEL_NAME", "IMO_NUMBER", null, "VESSEL_TYPE", "TONNAGE", "LENGTH"]],
    ["FFA", ["Name", "Built in Country", "Built in Year", "IMO Number", "WCPFC ID", "FFA ID", "International Radio Call Sign (IRCS)", "MMSI", "Registration Number", "Flag"],
      ["VESSEL_NAME", null, "BUILD_YEAR", "IMO_NUMBER", "AUTHORIZATION_NUMBER", "AUTHORIZATION_NUMBER", "IRCS_CALL_SIGN", "MMSI", "NATIONAL_REGISTRY_NUMBER", "FLAG_STATE"]],
  ])("maps the real %s column headers to labels", (_list, headers, labels) => {
    expect(headers.map((h) => labelForHeader(h))).toEqual(labels);
  });

  it("turns each row into one vessel, with exact spans in UTF-16 units and code points", () => {
    const raw =
      "<|ref|>title<|/ref|><|det|>[[0,0,999,50]]<|/det|>\n# 🐟 Authorised vessels\n\n" +
      "<|ref|>table<|/ref|><|det|>[[0,60,999,900]]<|/det|>\n<table><tr><td>Vessel Name</td><td>Flag</td><td>IRCS</td><td>IMO</td></tr>" +
      "<tr><td>SEIN 11</td><td>Fiji</td><td>3DN6876</td><td>8664369</td></tr>" +
      "<tr><td>ALBATUN TRES</td><td>ES</td><td>EADN</td><td>9281310</td></tr>" +
      "<tr><td>DHEENAARU</td><td>MDV</td><td>8QQ2245</td><td>NE</td></tr></table>";
    const { text, entities } = entitiesOf(raw);
    const rows = Map.groupBy(entities, (e) => e.record);
    expect([...rows.keys()]).toEqual(["p1-b1-r1", "p1-b1-r2", "p1-b1-r3"]);
    expect(rows.get("p1-b1-r2")!.map((e) => [e.label, e.value])).toEqual([
      ["VESSEL_NAME", "ALBATUN TRES"],
      ["FLAG_STATE", "ESP"],
      ["IRCS_CALL_SIGN", "EADN"],
      ["IMO_NUMBER", "9281310"],
    ]);
    // "NE" (not entered) is no IMO number.
    expect(rows.get("p1-b1-r3")!.map((e) => e.label)).toEqual(["VESSEL_NAME", "FLAG_STATE", "IRCS_CALL_SIGN"]);
    for (const e of entities) {
      expect(text.slice(e.start, e.end)).toBe(e.text);
      // One astral character (the fish) before every span: code points are one fewer than units.
      expect(e.startCodePoint).toBe(e.start - 1);
      expect([...text].slice(e.startCodePoint, e.endCodePoint).join("")).toBe(e.text);
    }
  });
});

describe("a column of the owner's name and address together", () => {
  it("reads the owner's name up to its address, at the legal form or the first comma", () => {
    const raw =
      "<|ref|>table<|/ref|><|det|>[[0,60,999,900]]<|/det|>\n<table><tr><td>Name of Ship</td><td>IMO Ship Identification Number</td>" +
      "<td>Name and full address of the principal place of business of the registered owner</td></tr>" +
      "<tr><td>SEA WIND</td><td>9074729</td><td>OCEAN HARVEST CO., LTD, 12 Harbour Road, Majuro</td></tr>" +
      "<tr><td>SEA FIRE</td><td>9074731</td><td>Kaito Suisan, 1-2-3 Shiba, Tokyo</td></tr>" +
      "<tr><td>SEA ICE</td><td>9074743</td><td>Kaito Suisan</td></tr></table>";
    const { text, entities } = entitiesOf(raw);
    const owners = entities.filter((e) => e.label === "OWNER_NAME" || e.label === "OWNER_ADDRESS").map((e) => [e.record, e.label, e.value]);
    expect(owners).toEqual([
      ["p1-b0-r1", "OWNER_NAME", "OCEAN HARVEST CO., LTD"],
      ["p1-b0-r1", "OWNER_ADDRESS", "12 Harbour Road, Majuro"],
      ["p1-b0-r2", "OWNER_NAME", "Kaito Suisan"],
      ["p1-b0-r2", "OWNER_ADDRESS", "1-2-3 Shiba, Tokyo"],
      ["p1-b0-r3", "OWNER_NAME", "Kaito Suisan"],
    ]);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
    // An owner's address column alone stays the address.
    expect(labelForHeader("Owner Address")).toBe("OWNER_ADDRESS");
  });
});

describe("GET /api/documents/:id/entities", () => {
  it("serves each page's entities as it is read, filtered by label or page", async () => {
    const table =
      "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table><tr><td>Name</td><td>IMO</td><td>Flag</td></tr>" +
      "<tr><td>OCEAN PEARL</td><td>7910187</td><td>Canada</td></tr></table>";
    await scriptOcr(832, 1032, [], { content: table });
    const doc = await uploadPdf(await textPdf(2, [416, 516]));
    const live = await subscribe(doc);
    const end = await waitFor(doc);
    // Live: the event that gives a page its result carries its entities.
    const withEntities = await live.next("page", (m) => m.page.page === 2 && m.entities !== undefined);
    expect(withEntities.entities?.map((e) => e.label)).toEqual(["VESSEL_NAME", "IMO_NUMBER", "FLAG_STATE"]);
    live.socket.close();
    expect(end.pages.map((p) => p.entities)).toEqual([3, 3]);
    const all = await (await fetchDoc(doc, "/entities")).json<any>();
    expect(all.entities).toHaveLength(6);
    const imo = await (await fetchDoc(doc, "/entities?label=IMO_NUMBER&page=2")).json<any>();
    expect(imo.entities).toMatchObject([{ page: 2, label: "IMO_NUMBER", value: "7910187", source: "table", record: "p2-b0-r1", flags: [] }]);
    expect((await fetchDoc(doc, "/entities?label=imo")).status).toBe(400);
  });
});

describe("the optional language-model pass", () => {
  /** Scripts the model for pages whose text contains `match`: each test its own, so files can run side by side. */
  const scriptLlm = (match: string, content: string) => fetch(`${inject("ocrUrl")}/_sim/llm`, { method: "POST", body: JSON.stringify({ match, content }) });
  const notice = (port: string) =>
    "<|ref|>text<|/ref|><|det|>[[0,0,999,999]]<|/det|>\nThe fishing vessel OCEAN PEARL (IMO 7910187), flying the flag of Canada, " +
    `was sighted by the patrol of the Fisheries Protection Agency off ${port}.`;

  it("keeps spans found in the text (fixing wrong offsets), drops invented ones, and lets rules win", async () => {
    await scriptOcr(834, 1034, [], { content: notice("Halifax") });
    await scriptLlm(
      "off Halifax",
      JSON.stringify({
        entities: [
          { label: "GOVERNMENT_AGENCY", text: "Fisheries Protection Agency", start: 3, end: 30 }, // wrong offsets
          { label: "PORT_NAME", text: "Halifax" },
          { label: "OWNER_NAME", text: "Poseidon Fisheries Ltd" }, // not in the text
          { label: "IMO_NUMBER", text: "7910187", start: 0 }, // the rules have it already
          { label: "MMSI", text: "316001234" }, // invented
        ],
      }),
    );
    const doc = await uploadPdf(await textPdf(1, [417, 517]));
    await waitFor(doc);
    const { entities } = await (await fetchDoc(doc, "/entities")).json<any>();
    const page = await (await fetchDoc(doc, "/pages/1")).json<any>();
    for (const e of entities) expect(page.ocr.text.slice(e.start, e.end)).toBe(e.text);
    expect(entities.map((e: any) => [e.label, e.text, e.source])).toEqual([
      ["VESSEL_NAME", "OCEAN PEARL", "rule"],
      ["IMO_NUMBER", "7910187", "rule"],
      ["FLAG_STATE", "Canada", "rule"],
      ["GOVERNMENT_AGENCY", "Fisheries Protection Agency", "llm"],
      ["PORT_NAME", "Halifax", "llm"],
    ]);
  });

  it("costs the page nothing when the model answers with broken JSON", async () => {
    await scriptOcr(836, 1036, [], { content: notice("Lunenburg") });
    await scriptLlm("off Lunenburg", '{"entities": [ {"label": "PORT_NAME", "text": "Lune');
    const doc = await uploadPdf(await textPdf(1, [418, 518]));
    expect((await waitFor(doc)).stage).toBe("done");
    const { entities } = await (await fetchDoc(doc, "/entities")).json<any>();
    expect(entities.map((e: any) => e.source)).toEqual(["rule", "rule", "rule"]);
  });

  it("locates spans exactly, including after astral characters", () => {
    const text = "🐟 Halifax and Halifax";
    expect(locate(text, [{ label: "PORT_NAME", text: "Halifax", start: 0 }, { label: "PORT_NAME", text: "Halifax" }, { label: "PORT_NAME", text: "Boston" }])).toEqual({
      spans: [
        { label: "PORT_NAME", start: 3, end: 10 },
        { label: "PORT_NAME", start: 15, end: 22 },
      ],
      dropped: 1,
    });
  });

  it("asks for JSON-schema constrained output made from the zod schema", () => {
    const request = llmRequest("text", { url: "http://llm", model: "llama3.3:70b", timeoutMs: 1000 });
    expect(request.response_format.type).toBe("json_schema");
    const schema = request.response_format.json_schema.schema as any;
    expect(schema.properties.entities.items.properties.label.enum).toHaveLength(51);
  });
});

describe("dates, measurements and other shapes", () => {
  it.each([
    ["2025-01-01", "2025-01-01", false],
    ["12-Aug-2025", "2025-08-12", false],
    ["27-MAY-25", "2025-05-27", false],
    ["12 March 2025", "2025-03-12", false],
    ["26/08/2025", "2025-08-26", false],
    ["8/26/25", "2025-08-26", false],
    ["03/04/2025", "2025-04-03", true],
  ])("reads the date %s as %s", (text, value, ambiguous) => {
    expect(isoDate(text)).toEqual({ value, ambiguous });
  });

  it("rejects what is not a date", () => {
    expect(isoDate("31-Feb-2025")).toBeNull();
    expect(isoDate("2025-13-01")).toBeNull();
    expect(isoDate("IOTC016690")).toBeNull();
  });

  it("reads measurements, EU CFR numbers, build years, validity and coordinates in text", () => {
    const { text, entities } = entitiesOf(
      "CFR: ESP000012345\nGross tonnage: 374 GT\nLength overall: 33.5 m\nEngine power: 600 HP\nBuilt in 1998.\n" +
        "Valid from: 01-Jan-2025\nSighted on 12 March 2025 at 12°34'N 045°12'E.",
    );
    expect(entities.map((e) => [e.label, e.value])).toEqual([
      ["EU_CFR_NUMBER", "ESP000012345"],
      ["TONNAGE", "374 GT"],
      ["LENGTH", "33.5 m"],
      ["ENGINE_POWER", "447 kW"],
      ["BUILD_YEAR", "1998"],
      ["VALIDITY_PERIOD", "2025-01-01"],
      ["DATE", "2025-03-12"],
      ["COORDINATES", "12°34'N 045°12'E"],
    ]);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it("reads NEAFC's unit-prefixed columns and validity dates in tables", () => {
    const raw =
      "<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table><tr><td>NAME</td><td>TONNAGE</td><td>LENGTH</td><td>POWER</td><td>STARTS</td><td>ENDS</td></tr>" +
      "<tr><td>Streymsund</td><td>LC 109</td><td>OA 32</td><td>KW 350</td><td>27-MAY-25</td><td>31-DEC-25</td></tr></table>";
    expect(entitiesOf(raw).entities.map((e) => [e.label, e.value])).toEqual([
      ["VESSEL_NAME", "Streymsund"],
      ["TONNAGE", "109 GT"],
      ["LENGTH", "32 m"],
      ["ENGINE_POWER", "350 kW"],
      ["VALIDITY_PERIOD", "2025-05-27"],
      ["VALIDITY_PERIOD", "2025-12-31"],
    ]);
  });
});

describe("ports, RFMO ids and gear", () => {
  it("reads them where text names them", () => {
    const { text, entities } = entitiesOf(
      "Port of registry: Busan\nThe longliner was detained in Port Louis on 3 May 2024.\nIOTC016690; CCSBT CV00123; WCPFC VID: 9949\nGear: purse seine",
    );
    expect(entities.map((e) => [e.label, e.value])).toEqual([
      ["REGISTRATION_PORT", "Busan"],
      ["FISHING_GEAR_TYPE", "LL"],
      ["DETENTION_PORT", "Port Louis"],
      ["DATE", "2024-05-03"],
      ["AUTHORIZATION_NUMBER", "IOTC016690"],
      ["AUTHORIZATION_NUMBER", "CV00123"],
      ["AUTHORIZATION_NUMBER", "9949"],
      ["FISHING_GEAR_TYPE", "PS"],
    ]);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
  });
});

describe("a table that runs over pages", () => {
  const page = { width: 1000, height: 1000 };
  const header = "<tr><td>Vessel Name</td><td>Flag</td><td>IRCS</td><td>Owner</td></tr>";
  const rows = (names: string[]) => names.map((n, i) => `<tr><td>${n}</td><td>Fiji</td><td>3DN${6870 + i}</td><td>${n} FISHING LTD</td></tr>`).join("");
  const table = (body: string) => `<|ref|>table<|/ref|><|det|>[[0,0,999,999]]<|/det|>\n<table>${body}</table>`;
  const row = (n: number, raw: string, carry: Page["carry"]): Page => {
    const parsed = parseGrounded(raw, page);
    return {
      page: n,
      status: "done",
      clean_text: parsed.text,
      reading: { blocks: parsed.blocks, offsets: parsed.offsets },
      entities: readPage(parsed.text, parsed.blocks, n, {}).entities,
      carry,
    } as Page;
  };

  it("reads a page without the header by the header of the page before, once that page is known", () => {
    const first = parseGrounded(table(header + rows(["SEIN 1", "SEIN 2"])), page);
    const read1 = readPage(first.text, first.blocks, 1, {});
    // Page 2 finished first, knowing nothing of page 1: its names and owners were not read.
    const second = row(2, table(rows(["SEIN 3", "SEIN 4"])), { inherited: null, last: null });
    expect(second.entities!.filter((e) => e.label === "VESSEL_NAME")).toHaveLength(0);
    const pages = [{ ...row(1, table(header + rows(["SEIN 1", "SEIN 2"])), read1.carry) }, second];
    const changed = relink(pages);
    expect(changed.map((c) => c.page)).toEqual([2]);
    expect(changed[0].entities.filter((e) => e.label === "VESSEL_NAME").map((e) => e.value)).toEqual(["SEIN 3", "SEIN 4"]);
    expect(changed[0].entities.filter((e) => e.label === "OWNER_NAME")).toHaveLength(2);
    // Read again with what it now knows, nothing changes.
    const settled = pages.map((p) => (p.page === 2 ? { ...p, entities: changed[0].entities, carry: changed[0].carry } : p));
    expect(relink(settled)).toEqual([]);
  });

  it("reads a table without a header by the table above it on the same page, when it has its columns", () => {
    const raw = table(header + rows(["SEIN 1", "SEIN 2"])) + "\n\n" + table(rows(["SEIN 3"])) + "\n\n" + table("<tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr>");
    const parsed = parseGrounded(raw, page);
    const read = readPage(parsed.text, parsed.blocks, 1, {});
    expect(read.entities.filter((e) => e.label === "VESSEL_NAME").map((e) => [e.value, e.record])).toEqual([
      ["SEIN 1", "p1-b0-r1"],
      ["SEIN 2", "p1-b0-r2"],
      ["SEIN 3", "p1-b1-r1"],
    ]);
    expect(read.entities.filter((e) => e.label === "OWNER_NAME")).toHaveLength(3);
  });

  it("does not carry a header over a page that has its own, or to a table of another shape", () => {
    const own = row(2, table(header + rows(["SEIN 5"])), { inherited: null, last: null });
    const other = row(3, table("<tr><td>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr>"), { inherited: null, last: null });
    const first = parseGrounded(table(header + rows(["SEIN 1"])), page);
    const pages = [row(1, table(header + rows(["SEIN 1"])), readPage(first.text, first.blocks, 1, {}).carry), own, other];
    expect(relink(pages)).toEqual([]);
  });
});
