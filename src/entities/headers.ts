/**
 * A table's column header -> the label its cells carry, in the words lists use in English, French
 * and Spanish ("IMO No.", "Lloyd's/IMO", "Call sign", "IRCS", "Indicatif d'appel", "Distintivo de
 * llamada", "Name of vessel", "Nom du navire", "Nombre del buque", "Flag", "Pavillon", "Pabellón",
 * "Owner", "Propriétaire", "Armador", ...). Words are matched, not whole headers, so "Vessel's
 * name (as registered)" works as well as "NAME"; a qualifier that makes a column something else
 * ("Previous name", "Owner address", "Built in country") is checked first.
 *
 * null: the header names something that is not one of our labels (or nothing we know).
 */

/** Lower case, no accents, punctuation and underscores as spaces: "Pabellón_" -> "pabellon". */
export function normaliseHeader(header: string): string {
  return header
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9#]+/g, " ")
    .trim();
}

type Rule = [pattern: RegExp, label: string | null];

/** In order: the first that matches decides. */
const rules: Rule[] = [
  // Columns about something else than the vessel's own identity.
  [/\b(last|first|middle|given|family) names?\b/, null],
  [/\b(previous|former|old|last|ancien\w*|precedent\w*|anterior\w*)\b.*\b(name|nom|nombre)s?\b|\b(nom|nombre)s? (anterior\w*|precedent\w*|ancien\w*)\b/, "PREVIOUS_NAME"],
  [/\b(flag|pavillon|bandera|pabellon) (d |de )?(origine|origen|of origin)\b|\boriginal flag\b|\b(previous|former|old|last|ancien\w*|precedent\w*|anterior\w*)\b.*\b(flag|pavillon|bandera|pabellon)s?\b|\b(pavillon|bandera|pabellon)s? (anterior\w*|precedent\w*|ancien\w*)\b|\b(flag|pavillon|bandera|pabellon)\b.*\b(before|avant|antes de)\b/, "PREVIOUS_FLAG"],
  [/\b(previous|former|old|last|ancien\w*|precedent\w*|anterior\w*)\b/, null],
  [/\bbeneficial\b.*\b(address|adresse|direccion)\b/, null],
  [/\b(owner|owners|proprietaire|propietario|armador)\b.*\b(address|adresse|direccion)\b|\b(address|adresse|direccion)\b.*\b(owner|proprietaire|propietario)\b/, "OWNER_ADDRESS"],
  [/\b(address|adresse|direccion|domicile|domicilio)\b/, null],
  [/\b(built|build|construction|construccion|shipyard|builder|chantier|astillero)\b.*\b(country|pays|pais|place|lieu|lugar)\b/, null],
  // A vessel's nationality is its flag; a master's or crew's is not.
  [/\b(nationality|nationalite|nacionalidad) (of |du |de la |del |de l )?(the )?(vessel|ship|navire|bateau|buque|barco|embarcacion)\b/, "FLAG_STATE"],
  [/\b(state|country|etat|pays|estado|pais) (of |du |de |d |del )?(the )?(flag|registry|registration|immatriculation|pavillon|abanderamiento|pabellon|registro|matricula)\b|\b(state|country) in which (it|the vessel) is registered\b/, "FLAG_STATE"],
  // ("Dernière nationalité connue : sud-coréen" in a vessel's record: the flag it had last.)
  [/^(last|derniere|ultima) (known )?(nationality|nationalite|nacionalidad)( connue| conocida)?$/, "FLAG_STATE"],
  [/\b(nationality|nationalite|nacionalidad)\b/, null],
  [/\b(master|captain|capitaine|capitan|patron|skipper)\b/, null],
  // "Propriétaire privé", "Private owner": the value of an owner's field that names nobody, not a label.
  [/\b(proprietaire|owner|propietario) (prive|private|particular)\b|\b(private|particular) (owner|propietario)\b/, null],
  [/\b(beneficial)\b/, "BENEFICIAL_OWNER"],
  // Identifiers.
  [/\b(mmsi|ssvid|maritime mobile service identit\w*|identite (du|dans le) service mobile maritime|identidad del servicio movil maritimo)\b/, "MMSI"],
  [/\b(imo|omi|lloyds?|lr|uvi|unique vessel identifier)\b/, "IMO_NUMBER"],
  // SOLAS's ship identification number is the IMO number (its check digit decides).
  [/\b(ship|vessel) identification (number|no)\b|\bnumero d identification du navire\b|\b(numero de identificacion|identificador( unico)?) del buque\b/, "IMO_NUMBER"],
  [/\b(ircs|call ?signs?|callsign|radio call|indicatifs?|distintiv[oa]s?|indicativos?|senal(es)? (distintivas?|de llamada)|signal distinctif|signal d appel|signal letters|call letters|code letters|indicateur (international )?d appel|lettres d appel|letras de llamada|codigo (internacional )?(de )?llamada|ind llamada|letras distintiv\w*|lettres distinct\w*|distinctive (number (or|and) )?letters|(lettres|numeros?) (ou|et) (lettres|numeros?) distinct\w*|code d appel)\b/, "IRCS_CALL_SIGN"],
  [/\bcfr\b/, "EU_CFR_NUMBER"],
  // Where it is registered, and under which numbers.
  [/\b(port of regist\w*|home port|registration port|port d (attache|immatriculation)|puerto (de )?(matricula|registro|base))\b/, "REGISTRATION_PORT"],
  [/^(port|port name|puerto)$/, "REGISTRATION_PORT"],
  [/\b(iotc number|wcpfc (id|vid)|ffa id|npfc vessel id|vds reg no|vessel id|rfmo (id|number)|authori[sz]ation (no|number)|numero d autorisation)\b/, "AUTHORIZATION_NUMBER"],
  [/\b(regno|reg no|reg num|registration (no|number|num)|registry (no|number)|national registr\w*|immatriculation|matricula|numero de registro)\b/, "NATIONAL_REGISTRY_NUMBER"],
  [/\b(licen[cs]e|licencia|permis|permit)\b.*\b(no|number|num|numero)\b/, "LICENSE_NUMBER"],
  // The flag: "Flag", "Flag State Code", "countryId", "Pavillon", "Estado de pabellón".
  [/\b(flag|flags|pavillon|drapeau|bandera|pabellon|abanderamiento|countryid|country id|country code|flag country)\b/, "FLAG_STATE"],
  [/^(country|pays|pais|state|etat|estado)( code| name)?$|^(registry|registered in)$/, "FLAG_STATE"],
  // Who owns and runs it.
  [/\b(owner|owners|proprietaire|proprietaires|propietario|propietarios|armateur|armador|armadora|shipowner|owning company|naviera|titular|titulaire|razon social|(licen[cs]e|permit|authori[sz]ation) holder|holder of (the )?(licen[cs]e|permit|authori[sz]ation)|duenos?)\b/, "OWNER_NAME"],
  [/\b(operator|operating company|exploitant|operador|explotador|armement|manager|ship manager|management company|managing company|gestionnaire|gestor)\b/, "OPERATOR_NAME"],
  [/\b(charterer|affreteur|fletador)\b/, "CHARTER_COMPANY"],
  [/^registrant( name)?$/, "OPERATOR_NAME"],
  // What it fishes.
  [/\b(species|espece|especes|especies)\b.*\b(code|codes|codigo)\b|\basfis\b|\bfao code\b/, "SPECIES_CODE"],
  [/\b(target species|authori[sz]ed species|especes? (cibles?|autorisees?)|especies (objetivo|autorizadas))\b/, "AUTHORIZED_SPECIES"],
  [/^(species|espece|especes|especies|species name|nom de l espece|nombre de la especie)$/, "SPECIES_NAME"],
  // What it is.
  [/\b(gears?|geartype|fishing method|method of fishing|engins?|arte|artes|metier)\b/, "FISHING_GEAR_TYPE"],
  [/\b(vessel (type|kind)|type of vessel|ship type|type de navire|tipo de (buque|barco)|vessel kind name)\b/, "VESSEL_TYPE"],
  [/^(type|type name|tipo)$/, "VESSEL_TYPE"],
  [/\b(gt|grt|gross tonnage|gross register|gross weight|tonnage|jauge|arqueo|tonelaje)\b/, "TONNAGE"],
  [/\b(loa|length|longueur|eslora)\b/, "LENGTH"],
  [/\b(power|kw|puissance|potencia|hp)\b/, "ENGINE_POWER"],
  [/\b(year (of )?(built|build|construction)|built in year|build year|annee de construction|ano de construccion)\b/, "BUILD_YEAR"],
  // ("from", "to" alone or after "valid": a long label's "used to carry out" is no period.)
  [/\b(valid|validity|validite|validez|expiry|expiration)\b|^(from|to|until|desde|hasta)( date)?$|\b(starts?|ends?)( date)?$/, "VALIDITY_PERIOD"],
  // The vessel's name comes last: "Owner name" and "Port name" were taken above.
  [/\b(vessel|vessels|ship|ships|boat|navire|navires|batiment|buque|buques|barco|nave|navio|pesquero|embarcacion|embarcation|bateau)\b.*\b(names?|noms?|nombres?|denominacion|designation)\b/, "VESSEL_NAME"],
  [/\b(names?|noms?|nombres?|denominacion|designation)\b.*\b(vessels?|ships?|boats?|navires?|batiments?|buques?|barcos?|naves?|navio|pesqueros?|embarcacion|embarcaciones|embarcations?|bateaux?)\b/, "VESSEL_NAME"],
  [/^(vessel|vessel name|vesselname|name|nom|nombre|navire|buque|ship|ship name|shipname|denominacion|denomination|(current|present) name|f v name|(its|le|son|su|el) (name|nom|nombre))$/, "VESSEL_NAME"],
];

/** The label a column's header gives its cells, or null. */
export function labelForHeader(header: string): string | null {
  return ruleFor(header)?.[1] ?? null;
}

/**
 * Whether a column holds the owner's name and address together ("Name and full address of the
 * principal place of business of the registered owner"): ./tables.ts reads its name up to the address.
 */
export function namesOwnerAndAddress(header: string): boolean {
  return /\b(name|names|nom|noms|nombre|nombres)\b.*\b(address|adresse|direccion|domicilio)\b.*\b(owner|owners|proprietaire|proprietaires|propietario|propietarios|armador)\b/.test(normaliseHeader(header));
}

/** Whether the header says what its column is (even if that is none of our labels): "Built in country" does, "Xq;8" does not. */
export function headerKnown(header: string): boolean {
  return ruleFor(header) !== undefined;
}

function ruleFor(header: string): Rule | undefined {
  const text = normaliseHeader(header);
  return text ? rules.find(([pattern]) => pattern.test(text)) : undefined;
}
