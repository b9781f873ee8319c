import { describe, expect, it } from "vitest";
import { readEntities } from "../../src/entities/extract";
import { learnedCandidates } from "../../src/entities/learned";
import model from "../../src/entities/reference/tagger.json";
import type { Candidate } from "../../src/entities/tables";
import { spansOf, TAGS, taggedSpans, tokenFeatures, tokenize, type TaggerModel } from "../../src/entities/tagger";

/** A model that gives each word listed its tag (by `weight` over O), and every other word O. */
function wordsModel(words: Record<string, string>, weight = 10_000): TaggerModel {
  const weights: Record<string, number[]> = { bias: [0, 10] };
  for (const [word, tag] of Object.entries(words)) weights[`w:${word}`] = [TAGS.indexOf(tag), weight];
  return { tags: TAGS, weights, minMargin: 1_000 };
}
const nothingSkipped = () => false;
const sources = (text: string, tagger?: TaggerModel | null) => readEntities(text, [], 1, { tagger }).entities.map((e) => [e.label, e.value, e.source]);

describe("the tagger's tokens and spans", () => {
  it("splits words, numbers and marks, each at its place in the text", () => {
    const text = "HSIN-HUNG-101's owner: Ocean Co.";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(["HSIN", "-", "HUNG", "-", "101", "'", "s", "owner", ":", "Ocean", "Co", "."]);
    for (const token of tokens) expect(text.slice(token.start, token.end)).toBe(token.text);
  });

  it("reads a span from a B tag and the I tags after it, and nothing from O", () => {
    const tokens = tokenize("the SEA WIND of Panama");
    expect(spansOf(tokens, ["O", "B-VESSEL_NAME", "I-VESSEL_NAME", "O", "B-FLAG_STATE"]).map(({ margin, ...span }) => span)).toEqual([
      { label: "VESSEL_NAME", start: 4, end: 12 },
      { label: "FLAG_STATE", start: 16, end: 22 },
    ]);
  });

  it("never continues a label with another's inside tag", () => {
    // I-FLAG_STATE scores highest after a name, but only continues a flag: the word is O.
    const tagger: TaggerModel = { tags: TAGS, minMargin: 0, weights: { bias: [0, 10], "w:sea": [TAGS.indexOf("B-VESSEL_NAME"), 10_000], "w:wind": [TAGS.indexOf("I-FLAG_STATE"), 10_000] } };
    expect(taggedSpans(tagger, "SEA WIND")).toEqual([{ label: "VESSEL_NAME", start: 0, end: 3, margin: 9_990 }]);
  });

  it("gives the words that cue a fact one feature in the three languages", () => {
    const cueAfter = (text: string) => tokenFeatures(text, tokenize(text)).at(-1)!.filter((f) => f.startsWith("c-1:") || f.startsWith("lc:") || f.startsWith("label-fields:"));
    expect(cueAfter("owned by Ocean")).toEqual(["lc:OWNER_NAME"]);
    expect(cueAfter("propiedad de Ocean")).toEqual(["lc:OWNER_NAME"]);
    expect(cueAfter("the trawler Ocean")).toEqual(["c-1:VESSEL", "lc:VESSEL"]);
    expect(cueAfter("el arrastrero Ocean")).toEqual(["c-1:VESSEL", "lc:VESSEL"]);
    expect(cueAfter("Nombre del armador: Ocean")).toContain("label-fields:OWNER_NAME");
    expect(cueAfter("Owner's name: Ocean")).toContain("label-fields:OWNER_NAME");
  });

  it("ships weights for every tag it reads", () => {
    expect(model.tags).toEqual(TAGS);
    expect(Object.keys(model.weights).length).toBeGreaterThan(1000);
  });
});

describe("the learned reader's facts beside the rules'", () => {
  it("adds the labels the rules found none of, validated, as the tagger's and less sure", () => {
    const text = "Seen: ZORRO flying Vanuatu";
    const found = learnedCandidates(text, [], nothingSkipped, wordsModel({ zorro: "B-VESSEL_NAME", vanuatu: "B-FLAG_STATE" }));
    expect(found.map((c) => [c.label, c.value, c.source])).toEqual([
      ["VESSEL_NAME", "ZORRO", "tagger"],
      ["FLAG_STATE", "VUT", "tagger"],
    ]);
    for (const candidate of found) expect(candidate.confidence).toBeLessThanOrEqual(0.6);
  });

  it("adds nothing for a label the rules found on the page, nor over a span they read", () => {
    const owner: Candidate = { label: "OWNER_NAME", start: 0, end: 4, value: "Seen", flags: [], confidence: 0.9, source: "rule", record: null };
    expect(learnedCandidates("Seen: Kaito Ltd", [owner], nothingSkipped, wordsModel({ kaito: "B-OWNER_NAME", ltd: "I-OWNER_NAME" }, 90_000))).toEqual([]);
    const flag: Candidate = { label: "FLAG_STATE", start: 6, end: 11, value: "VUT", flags: [], confidence: 0.9, source: "rule", record: null };
    expect(learnedCandidates("Seen: ZORRO", [flag], nothingSkipped, wordsModel({ zorro: "B-VESSEL_NAME" }))).toEqual([]);
  });

  it("adds a name beside the rules' names only when it is much surer of it", () => {
    const rule: Candidate = { label: "VESSEL_NAME", start: 0, end: 4, value: "SEEN", flags: [], confidence: 0.9, source: "rule", record: null };
    expect(learnedCandidates("SEEN and ZORRO", [rule], nothingSkipped, wordsModel({ zorro: "B-VESSEL_NAME" }, 3_000))).toEqual([]);
    expect(learnedCandidates("SEEN and ZORRO", [rule], nothingSkipped, wordsModel({ zorro: "B-VESSEL_NAME" })).map((c) => [c.label, c.value, c.source])).toEqual([
      ["VESSEL_NAME", "ZORRO", "tagger"],
    ]);
  });

  it("drops what fails its check: an IMO number's check digit, a quantity, a flag that is no country", () => {
    const tagger = wordsModel({ "9074728": "B-IMO_NUMBER", "9074729": "B-IMO_NUMBER", "8584911": "B-IMO_NUMBER", atlantis: "B-FLAG_STATE" });
    const found = learnedCandidates("IMO 9074728 or 9074729 of Atlantis landed 8584911 kg", [], nothingSkipped, tagger);
    expect(found.map((c) => [c.label, c.value])).toEqual([["IMO_NUMBER", "9074729"]]);
  });

  it("takes no name or owner that is plainly neither: an acronym, a pronoun, a region's adjective", () => {
    const tagger = wordsModel({ lmce: "B-VESSEL_NAME", i: "B-VESSEL_NAME", west: "B-OWNER_NAME", african: "I-OWNER_NAME", zorro: "B-VESSEL_NAME" });
    const found = learnedCandidates("the LMCE that I saw off the West African coast: ZORRO", [], nothingSkipped, tagger);
    expect(found.map((c) => [c.label, c.value])).toEqual([["VESSEL_NAME", "ZORRO"]]);
  });

  it("takes only the spans it is sure of, by the model's margin or its label's", () => {
    const tagger = wordsModel({ zorro: "B-VESSEL_NAME" });
    expect(learnedCandidates("Seen: ZORRO", [], nothingSkipped, { ...tagger, minMargin: 20_000 })).toEqual([]);
    expect(learnedCandidates("Seen: ZORRO", [], nothingSkipped, tagger)).toHaveLength(1);
    expect(learnedCandidates("Seen: ZORRO", [], nothingSkipped, { ...tagger, labelMargins: { VESSEL_NAME: 20_000 } })).toEqual([]);
    expect(learnedCandidates("Seen: ZORRO", [], nothingSkipped, { ...tagger, minMargin: 20_000, labelMargins: { VESSEL_NAME: 1_000 } })).toHaveLength(1);
  });

  it("takes a call sign only in the series of the page's one flag, and leaves operators to the rules", () => {
    // (A call sign is four tokens to the tagger: V, 7, AB, 2.)
    const tagger = wordsModel({ v: "B-IRCS_CALL_SIGN", "7": "I-IRCS_CALL_SIGN", ab: "I-IRCS_CALL_SIGN", "2": "I-IRCS_CALL_SIGN", kaito: "B-OPERATOR_NAME", zorro: "B-VESSEL_NAME" });
    const flag = (value: string): Candidate => ({ label: "FLAG_STATE", start: 18, end: 24, value, flags: [], confidence: 0.95, source: "rule", record: null });
    const text = "V7AB2 KAITO ZORRO Majuro";
    expect(learnedCandidates(text, [], nothingSkipped, tagger).map((c) => c.label)).toEqual(["VESSEL_NAME"]);
    expect(learnedCandidates(text, [flag("MHL")], nothingSkipped, tagger).map((c) => [c.label, c.value])).toEqual([
      ["IRCS_CALL_SIGN", "V7AB2"],
      ["VESSEL_NAME", "ZORRO"],
    ]);
    expect(learnedCandidates(text, [flag("PAN")], nothingSkipped, tagger).map((c) => c.label)).toEqual(["VESSEL_NAME"]);
  });

  it("takes no flag from a sea or a proper noun: 'in Fiji waters', 'The Fiji Times'", () => {
    const tagger = wordsModel({ fiji: "B-FLAG_STATE" });
    for (const text of ["fishing in Fiji waters", "dans les eaux de la Fiji", "The Fiji Times reports"]) expect(learnedCandidates(text, [], nothingSkipped, tagger)).toEqual([]);
    expect(learnedCandidates("a longliner from Fiji was seized", [], nothingSkipped, tagger).map((c) => [c.label, c.value])).toEqual([["FLAG_STATE", "FJI"]]);
  });

  it("leaves tables to their headers", () => {
    const tagger = wordsModel({ zorro: "B-VESSEL_NAME" });
    expect(learnedCandidates("V7AB2 KAITO ZORRO", [], (span) => span.start >= 12, tagger)).toEqual([]);
  });

  it("reads, with the built-in model, facts the rules miss in wording they were not written for", () => {
    const sentence = "The patrol boat intercepted KOTA MAS, an Indonesian longliner, on Monday.";
    expect(sources(sentence, null).filter(([label]) => label !== "FISHING_GEAR_TYPE")).toEqual([["FLAG_STATE", "IDN", "rule"]]);
    expect(sources(sentence)).toContainEqual(["VESSEL_NAME", "KOTA MAS", "tagger"]);
    const sighting = "The longliner KOTA MAS (Indonesia) was sighted fishing in the closed area.";
    expect(sources(sighting, null).filter(([label]) => label === "FLAG_STATE")).toEqual([]);
    expect(sources(sighting)).toContainEqual(["FLAG_STATE", "IDN", "tagger"]);
    expect(sources("Vessel KOTA MAS flag Indonesia")).toEqual([["VESSEL_NAME", "KOTA MAS", "rule"], ["FLAG_STATE", "IDN", "tagger"]]);
    const form = "Ship: LUCKY STAR 22 / Registered owner - Ocean Harvest Pte Ltd / Nationality of ship - Belize";
    expect(sources(form, null)).toContainEqual(["VESSEL_NAME", "LUCKY STAR 22", "rule"]);
    expect(sources(form)).toContainEqual(["OWNER_NAME", "Ocean Harvest Pte Ltd", "tagger"]);
    expect(sources(form).filter(([, , source]) => source === "rule")).toEqual(sources(form, null));
  });
});
