"""The scope classifier: which families of checks apply to a notice, and why (recorded on the notice).

Scope is decided by the contract's object, as the Code decides which rules bind it (RULES_AUDIT.md §3 #1):

1. **Contract type** from the main CPV (the notice's, else the first the documents list, else the lots'):
   division 45 = works; divisions 03-44 and 48 = supplies; 50-98 = services. Without a CPV, the title's
   first words ("Lavori ...", "Fornitura ...") decide; otherwise services. Works and supplies are never
   social or labour-intensive services, whatever their title says (a nursery's renovation, furniture for
   an RSA): art. 57 and art. 41 c. 14 do not cover supplies, and the Observatories watch services.
2. **Social services** (Annex XIV of Directive 2014/24; art. 128): a specific social CPV (853, 8514 RSA
   and nursing, 80110 pre-school, 98133, 7531) anywhere in the notice. Words of the title or description
   count only as a hint for a notice without a CPV or with a generic one (a division or group code of
   divisions 75, 79, 80, 85 or 98, as feeds often give), and only words naming the service as the
   object ("servizio di assistenza domiciliare", "gestione del centro diurno"), not a place or a
   beneficiary ("asilo nido", "RSA", "anziani" alone).
3. **CAS**: reception of asylum seekers (Interior Ministry capitolato), by the title or a prefecture's
   reception notice. A CAS is a social service too.
4. **Labour intensity** (Allegato I.1 art. 2 c. 1 lett. e: labour ≥ 50 % of the price): from the
   notice's own figures when it has them (labour cost over base amount), which win over any presumption
   (art. 108 c. 3 allows the lowest price for a service with 40 % labour). Without figures it is
   *presumed* for cleaning, catering and security CPVs and for social services other than CAS (where
   housing, food and pocket money weigh on the price): the tag `labour_share_presumed` says so, and no
   rule turns a presumption into a critical violation.
5. **Care catering**: hospital, care and school catering (art. 108 c. 2 lett. a names it with social
   services: OEPV whatever the labour share), from the CPV (school meals, meals on wheels) or, for a
   catering CPV, the place it serves (here the place is what the law names).

Tags: `social`, `cas`, `labour_intensive` (+ `labour_share_presumed`), `care_catering`, `direct_award`
(an "affidamento diretto") and `direct_award_below_threshold` (its amount under the art. 50 threshold in
force on the publication date), `post_award` (award or execution data known), `preliminary` (a market
survey or call for expressions of interest: its clauses come later with the invitation letter).
A notice is in scope when it is social, labour-intensive, CAS or care catering; out of scope, no rule
judges it (the engine records the reason on the notice and writes no finding).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rules.context import NoticeContext
from rules.legal import LegalData

# Specific social CPVs: social work (853), residential nursing and health care of RSA tenders (8514),
# pre-school education (80110), social membership organisations (98133), social benefits (7531).
SOCIAL_CPV_PREFIXES = ("853", "8514", "80110", "98133", "7531")
# Divisions whose division or group codes are catch-alls that feeds use for social services too.
GENERIC_DIVISIONS = ("75", "79", "80", "85", "98")
CLEANING_CPV_PREFIXES = ("9091", "9090")
CATERING_CPV_PREFIXES = ("553", "555")
SECURITY_CPV_PREFIXES = ("7971",)
LABOUR_INTENSIVE_CPV_PREFIXES = CLEANING_CPV_PREFIXES + CATERING_CPV_PREFIXES + SECURITY_CPV_PREFIXES
# School meals (55524000, 55523100) and meals on wheels (55521100): care catering by their object.
CARE_CATERING_CPV_PREFIXES = ("55524", "555231", "555211")
CARE_PLACES = re.compile(
    r"scolastic|scuol[ae]|\bnid[oi]\b|infanzia|alunni|student|ospedal|degent|sanitari|\brsa\b|anzian|disabil|"
    r"assistenzial|domicili|casa di riposo|residenz[ae] protett|strutture? socio", re.IGNORECASE)
# The service as the object of the contract (not a place or a beneficiary alone).
SOCIAL_OBJECT = re.compile(
    r"assistenz[ai]\s+(domiciliar|social|educativ|scolastic|specialistic|alla persona|anzian|disabil|"
    r"personal|tutelar|socio)|socio[- ]?(sanitari|assistenzial|educativ)|servizi? educativ|"
    r"educativa (territoriale|domiciliare|scolastica)|servizi sociali|servizi? alla persona|inclusione social|"
    r"integrazione scolastica|housing social|\b(servizi?o?|gestione|conduzione)\b[^.;]{0,50}?\b(asilo nido|"
    r"nid[oi]|\brsa\b|\brsd\b|centr[oi] diurn|comunit[aà] (alloggio|educativ|terapeutic|per minori)|"
    r"casa di riposo|residenz[ae] (protett|sanitari)|dipendenze|salute mentale|minori|anzian|disabil)",
    re.IGNORECASE,
)
CAS_WORDS = re.compile(
    r"richiedent[ei] (asilo|(la )?protezione)|protezione internazionale|centr[oi] di accoglienza straordinari|"
    r"\bc\.?a\.?s\.?\b|accoglienza (di|dei|per) (migranti|cittadini stranieri|stranieri)|accoglienza migranti",
    re.IGNORECASE,
)
# A title that opens with works or a supply names the contract type when no CPV does.
WORKS_TITLE = re.compile(r"^\W*(lavori|opere|interventi (edili|di (manutenzione|ristrutturazione|riqualificazione)))\b",
                         re.IGNORECASE)
SUPPLY_TITLE = re.compile(r"^\W*(fornitur[ae]|acquisto|acquisizione di beni|noleggio)\b(?![^.;]{0,40}\bservizi?o?\b)",
                          re.IGNORECASE)
DIRECT_AWARD = re.compile(r"affidamento diretto", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a few procedure names, read for every notice
def _direct_award(procedure: str) -> bool:
    return DIRECT_AWARD.search(procedure) is not None
# Market surveys and prior-information notices: the clauses come with the later invitation letter.
PRELIMINARY = re.compile(r"indagine di mercato|manifestazion[ei] di interesse|avviso esplorativo|preinformazione|"
                         r"consultazione preliminare", re.IGNORECASE)

SCOPE_TAGS = frozenset({"social", "labour_intensive", "cas", "care_catering"})  # any one puts a notice in scope
CONTRACT_TYPES = {"works": "lavori", "supplies": "forniture", "services": "servizi"}


class Scope(NamedTuple):
    """The classifier's decision. Immutable: a named tuple rather than a frozen dataclass, whose
    constructor costs about twice as much (one is built per notice)."""

    tags: frozenset[str]
    reasons: tuple[str, ...]
    contract_type: str = "services"

    @property
    def in_scope(self) -> bool:
        return not self.tags.isdisjoint(SCOPE_TAGS)

    @property
    def labour_intensive_computed(self) -> bool:
        """Labour-intensive by the notice's own figures, not presumed."""
        return "labour_intensive" in self.tags and "labour_share_presumed" not in self.tags

    def describe(self) -> str:
        if self.in_scope:
            return "; ".join(self.reasons)
        why = "; ".join(self.reasons)
        return ("fuori ambito: né servizi sociali, né ad alta intensità di manodopera, né CAS, né ristorazione "
                "ospedaliera, assistenziale o scolastica" + (f" ({why})" if why else ""))


@lru_cache(maxsize=65536)
def _cpv8(cpv: str | None) -> str:
    return re.sub(r"\D", "", cpv or "")[:8]


@lru_cache(maxsize=4096)
def contract_type_of_cpv(cpv8: str) -> str | None:
    """'works', 'supplies' or 'services' from a CPV's division; None for no CPV."""
    if len(cpv8) < 2:
        return None
    division = int(cpv8[:2])
    if division == 45:
        return "works"
    if 3 <= division <= 44 or division == 48:
        return "supplies"
    return "services"


def generic_cpv(cpv8: str) -> bool:
    """A division or group code of a catch-all service division (79000000, 85100000, 98000000, ...)."""
    return cpv8[:2] in GENERIC_DIVISIONS and cpv8[3:].strip("0") == ""


@lru_cache(maxsize=65536)
def _text_signals(title: str, description: str | None, authority_name: str | None) -> tuple[str | None, bool, bool,
                                                                                            str | None, bool]:
    """What the title and description say: the social object named, CAS, preliminary notice, the contract
    type the title opens with, and a care place (for catering). Titles repeat a lot across notices (the
    same service tendered by many authorities), and the regexes are most of the cost."""
    text = " ".join(filter(None, [title, description or ""]))
    match = SOCIAL_OBJECT.search(text)
    cas = bool(CAS_WORDS.search(text)) or ("prefettura" in (authority_name or "").lower()
                                          and "accoglienza" in text.lower())
    kind = "works" if WORKS_TITLE.search(title) else "supplies" if SUPPLY_TITLE.search(title) else None
    return ((match.group(0) if match is not None else None), cas, bool(PRELIMINARY.search(text)), kind,
            bool(CARE_PLACES.search(text)))


@lru_cache(maxsize=65536)
def _cpv_signals(cpvs: tuple[str, ...]) -> tuple[str | None, str | None, str | None, bool]:
    """The first specific social CPV, the first labour-intensive one, the first care-catering one, and
    whether any is a catering CPV (memoised like the text: the same few CPV codes come back all the time)."""
    social = next((c for c in cpvs if c.startswith(SOCIAL_CPV_PREFIXES)), None)
    labour = next((c for c in cpvs if c.startswith(LABOUR_INTENSIVE_CPV_PREFIXES)), None)
    care_catering = next((c for c in cpvs if c.startswith(CARE_CATERING_CPV_PREFIXES)), None)
    catering = any(c.startswith(CATERING_CPV_PREFIXES) for c in cpvs)
    return social, labour, care_catering, catering


def notice_cpvs(ctx: NoticeContext) -> list[str]:
    """The notice's CPVs as 8 digits, the main one first: the notice's own, the documents' list, the lots'.
    Worked out once per notice (the classifier and several rules ask); callers never mutate it."""
    if ctx._cpvs is not None:
        return ctx._cpvs
    cpvs = [cpv] if (cpv := _cpv8(ctx.cpv)) else []
    field_cpv = ctx.value("cpv")
    for item in field_cpv if isinstance(field_cpv, list) else [field_cpv]:
        if item and (cpv := _cpv8(str(item))) and cpv not in cpvs:
            cpvs.append(cpv)
    for lot in ctx.lots:
        if (cpv := _cpv8(str(lot.get("cpv") or ""))) and cpv not in cpvs:
            cpvs.append(cpv)
    ctx._cpvs = cpvs
    return cpvs


@lru_cache(maxsize=65536)
def _object(title: str, description: str | None, authority_name: str | None,
            cpvs: tuple[str, ...]) -> tuple[str, frozenset[str], tuple[str, ...], str | None, bool]:
    """What the contract's object says, whatever the notice's figures: contract type, the tags it gives
    (social, cas, care_catering), their reasons, the labour-intensive CPV, and whether the notice is a
    preliminary one. Memoised: titles and CPVs repeat across notices, and the regexes are most of the cost."""
    social_words, cas_words, preliminary, title_kind, care_place = _text_signals(title, description, authority_name)
    # Works and supplies CPVs say nothing about services: only the services' CPVs give signals.
    service_cpvs = tuple(c for c in cpvs if contract_type_of_cpv(c) == "services")
    social_cpv, labour_cpv, care_catering_cpv, catering_cpv = _cpv_signals(service_cpvs)
    main = cpvs[0] if cpvs else ""
    contract_type = contract_type_of_cpv(main) or title_kind or "services"
    if contract_type != "services" and not service_cpvs:
        reason = f"appalto di {CONTRACT_TYPES[contract_type]}" + (f" (CPV {main})" if main else " (dal titolo)")
        return contract_type, frozenset(), (reason,), None, preliminary
    tags: set[str] = set()
    reasons: list[str] = []
    if social_cpv:
        tags.add("social")
        reasons.append(f"CPV {social_cpv} di servizi sociali, socio-sanitari o educativi")
    elif (not main or generic_cpv(main)) and social_words is not None:
        tags.add("social")
        reasons.append(f"oggetto: servizio alla persona («{social_words}»)"
                       + (f", CPV generico {main}" if main else ", nessun CPV"))
    if cas_words:
        tags.update(("cas", "social"))
        reasons.append("accoglienza di richiedenti protezione internazionale (CAS)")
    if care_catering_cpv or (catering_cpv and care_place):
        tags.add("care_catering")
        reasons.append("ristorazione ospedaliera, assistenziale o scolastica (art. 108 c. 2 lett. a)"
                       + (f": CPV {care_catering_cpv}" if care_catering_cpv else ""))
    return "services", frozenset(tags), tuple(reasons), labour_cpv, preliminary


def classify(ctx: NoticeContext, legal: LegalData) -> Scope:
    contract_type, object_tags, object_reasons, labour_cpv, preliminary = _object(
        ctx.title, ctx.description, ctx.authority_name, tuple(notice_cpvs(ctx)))
    reasons = list(object_reasons)
    if contract_type != "services":
        return Scope(frozenset(_side_tags(ctx, legal, preliminary, reasons)), tuple(reasons), contract_type)
    tags = set(object_tags)
    labour, base = ctx.number("labour_cost"), ctx.base_amount
    if labour and base:
        # The 50 % definition has not changed since D.Lgs. 50/2016: without a date the latest version serves.
        award = (legal.threshold("award", ctx.published_on) if ctx.published_on else None) or legal.thresholds["award"][-1]
        share_cap = float(award["labour_intensive_share_pct"])
        share = labour / base * 100
        if share >= share_cap:
            tags.add("labour_intensive")
            reasons.append(f"costo della manodopera pari al {share:.0f}% dell'importo (≥ {share_cap:.0f}%)")
        else:
            reasons.append(f"costo della manodopera pari al {share:.0f}% dell'importo: non ad alta intensità "
                           f"di manodopera (< {share_cap:.0f}%)")
    elif labour_cpv or ("social" in tags and "cas" not in tags):
        tags.update(("labour_intensive", "labour_share_presumed"))
        reasons.append(f"alta intensità di manodopera presunta (CPV {labour_cpv})" if labour_cpv
                       else "alta intensità di manodopera presunta per un servizio alla persona")
    return Scope(frozenset(tags | _side_tags(ctx, legal, preliminary, reasons)), tuple(reasons), contract_type)


def _side_tags(ctx: NoticeContext, legal: LegalData, preliminary: bool, reasons: list[str]) -> set[str]:
    """Tags about the procedure and the data known, whatever the contract's object."""
    tags = set()
    procedure = ctx.procedure or ""
    if not procedure and not preliminary and not ctx.executions and "procedure" not in ctx._values:
        return tags
    if field_procedure := ctx.value("procedure"):  # the feed's and the documents' procedure, read together
        procedure = f"{procedure} {field_procedure}" if procedure else str(field_procedure)
    if procedure and _direct_award(procedure):
        tags.add("direct_award")
        limit = legal.threshold("direct_award", ctx.published_on) if ctx.published_on else None
        amount = ctx.base_amount
        if limit and amount is not None and amount < float(limit["services_max_eur"]):
            tags.add("direct_award_below_threshold")
            reasons.append(f"affidamento diretto sotto € {float(limit['services_max_eur']):,.0f}".replace(",", "."))
        else:
            reasons.append("affidamento diretto" + (" di importo non indicato" if amount is None else ""))
    if preliminary:
        tags.add("preliminary")
        reasons.append("avviso preliminare (indagine di mercato o manifestazione di interesse)")
    if ctx.executions:
        tags.add("post_award")
        reasons.append("dati di aggiudicazione/esecuzione disponibili")
    return tags
