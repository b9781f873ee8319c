/**
 * The names a vessel had before, in running text: "formerly the SEA FIRE", "previously known as A,
 * B and C", "TAISHAN (ex-KUNLUN)", "s'appelait le X", "antes llamado X"; and around a renaming,
 * the name before it ("X, rebaptisé Y") and the one after ("renamed Y").
 */
import type { Emit } from "./owner-phrases";
import { nameAt } from "./phrases";

export function previousNameRules(text: string, emit: Emit): void {
  const each = (pattern: RegExp, handle: (m: RegExpMatchArray, end: number) => void) => {
    for (const m of text.matchAll(pattern)) handle(m, m.index! + m[0].length);
  };
  // ("SEA WIND, formerly the SEA FIRE", "(formerly OCEAN STAR)".)
  each(/\b(?:(?:also|previously|formerly|once)\s+(?:been\s+)?(?:known|named|called)(?:\s+as)?|(?<=(?:,|\()[ \t]*)formerly(?:[ \t]+the)?|(?:having|had)\s+been\s+(?:known|named|called)(?:\s+as)?|previous(?:ly)?\s+names?(?:\s+(?:of|was|were|:))?|former\s+names?(?:\s+(?:are|were|was|:))?|(?:was|were)\s+(?:previously\s+)?named|then\s+(?:named|called)|s['’]appelait(?:\s+le)?|se\s+(?:llamó|llamaba|denominaba)|antes\s+llamad[oa])\s+/giu, (_m, end) => {
    let at = end;
    // A list of former names: "OCEAN PEARL, SEA STAR and BLUE WAVE".
    for (let k = 0; k < 4; k++) {
      const name = nameAt(text, at);
      if (!name) break;
      emit("PREVIOUS_NAME", name);
      const joiner = /^\s*(?:[”"»])?\s*(?:,|and|et|y)\s*/.exec(text.slice(name.end, name.end + 8));
      // "Previously known as A, B and C, the X had ...": an article starts the sentence's subject, the name it has.
      if (!joiner || /^(?:the|le|el|la)\s/i.test(text.slice(name.end + joiner[0].length, name.end + joiner[0].length + 4))) break;
      at = name.end + joiner[0].length;
    }
  });
  // "TAISHAN (ex-KUNLUN)", "SEA WIND, ex-KILY": the name it had.
  each(/(?:\(|,[ \t]*)ex[- ][ \t]*(?=[«"“\p{Lu}\d])/gu, (_m, end) => emit("PREVIOUS_NAME", nameAt(text, end)));
  // ("acquired OCEAN DAWN BF 205 and renamed her SEA HARVEST": what it is called now.)
  each(/\b(?:acquired|bought|purchased)\s+(?:the\s+)?(?=[^.\n]{0,60}\band\s+renamed\b)/giu, (_m, end) => emit("PREVIOUS_NAME", nameAt(text, end)));
  each(/\b(?:renamed|rebaptisé|rebautizado)\s+(?:(?:her|him|it|the\s+vessel)\s+)?(?:as\s+|en\s+|como\s+)?/giu, (_m, end) => emit("VESSEL_NAME", nameAt(text, end)));
  // "Le SHEN LIAN CHENG 788, rebaptisé JIN JINN YI NO.168": the name before the renaming is the one it had.
  each(/\b([\p{Lu}\d][\p{Lu}\d .'’-]{1,40}?)[”"»]?,[ \t]*(?:(?:later|since|puis|ensuite|luego|después)[ \t]+)?(?:renamed|rebaptis[ée]e?|rebautizad[oa])[ \t]/gu, (m) => {
    const name = nameAt(text, m.index!);
    if (name && name.end === m.index! + m[1].length) emit("PREVIOUS_NAME", name);
  });

}
