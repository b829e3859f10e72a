"""The scope classifier: which families of checks apply to a notice, and why (recorded on the notice).

Tags:
* `social`: social, socio-health and education services (Annex XIV of Directive 2014/24; art. 128);
* `labour_intensive`: services where labour is usually >= 50 % of the price (cleaning, catering, the
  social services themselves) or where the notice's own figures say so;
* `cas`: reception of asylum seekers (CAS, Interior Ministry capitolato);
* `direct_award_below_threshold`: direct award under the art. 50 threshold in force on the publication date;
* `post_award`: award or execution data are known for the notice's CIGs;
* `preliminary`: a market survey or call for expressions of interest, whose clauses come later with
  the invitation letter (a clause missing from it is not a violation).

A notice is in scope when it is social, labour-intensive or CAS. CPV codes are the first signal;
the title and description are read too, because feeds often give a generic CPV (DOMAIN.md §5.3).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from rules.context import NoticeContext
from rules.legal import LegalData

SOCIAL_CPV_PREFIXES = ("853", "8514", "80110", "98133", "75310", "8532", "8531")
SOCIAL_CPV_EXACT = ("85000000", "98000000", "80000000")
LABOUR_INTENSIVE_CPV_PREFIXES = ("9091", "9090", "553", "555", "7971", "7993")
SOCIAL_WORDS = re.compile(
    r"assistenz[ai]\s+(domiciliar|social|educativ|scolastic|specialistic|alla persona|anzian|disabil)|socio[- ]?"
    r"(sanitari|assistenzial|educativ)|servizi? educativ|educativa territoriale|disabil|anzian|\bminori\b|asilo nido|"
    r"\bnid[oi]\b|\brsa\b|\brsd\b|centr[oi] diurn|comunit[aà] (alloggio|educativ|terapeutic)|servizi sociali|"
    r"inclusione social|integrazione scolastica|servizi? alla persona|housing social|dipendenze|salute mentale",
    re.IGNORECASE,
)
CAS_WORDS = re.compile(
    r"richiedent[ei] (asilo|(la )?protezione)|protezione internazionale|centr[oi] di accoglienza straordinari|"
    r"\bc\.?a\.?s\.?\b|accoglienza (di|dei|per) (migranti|cittadini stranieri|stranieri)|accoglienza migranti",
    re.IGNORECASE,
)
DIRECT_AWARD = re.compile(r"affidamento diretto", re.IGNORECASE)
# Market surveys and prior-information notices: the clauses come with the later invitation letter.
PRELIMINARY = re.compile(r"indagine di mercato|manifestazion[ei] di interesse|avviso esplorativo|preinformazione|"
                         r"consultazione preliminare", re.IGNORECASE)


SCOPE_TAGS = frozenset({"social", "labour_intensive", "cas"})  # any one puts a notice in scope


class Scope(NamedTuple):
    """The classifier's decision. Immutable: a named tuple rather than a frozen dataclass, whose
    constructor costs about twice as much (one is built per notice)."""

    tags: frozenset[str]
    reasons: tuple[str, ...]

    @property
    def in_scope(self) -> bool:
        return not self.tags.isdisjoint(SCOPE_TAGS)

    def describe(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "fuori ambito: né servizi sociali, né ad alta intensità di manodopera, né CAS"


@lru_cache(maxsize=65536)
def _cpv8(cpv: str | None) -> str:
    return re.sub(r"\D", "", cpv or "")[:8]


@lru_cache(maxsize=65536)
def _text_signals(title: str, description: str | None, authority_name: str | None) -> tuple[str | None, bool, bool]:
    """What the title and description say (social words matched, CAS, preliminary notice). Titles repeat a lot
    across notices (the same service tendered by many authorities), and the regexes are most of the cost."""
    text = " ".join(filter(None, [title, description or ""]))
    match = SOCIAL_WORDS.search(text)
    cas = bool(CAS_WORDS.search(text)) or ("prefettura" in (authority_name or "").lower()
                                          and "accoglienza" in text.lower())
    return (match.group(0) if match is not None else None), cas, bool(PRELIMINARY.search(text))


@lru_cache(maxsize=65536)
def _cpv_signals(cpvs: tuple[str, ...]) -> tuple[str | None, str | None]:
    """The first social CPV and the first labour-intensive one among the notice's (memoised like the text:
    the same few CPV codes come back all the time)."""
    social = next((c for c in cpvs if c.startswith(SOCIAL_CPV_PREFIXES) or c in SOCIAL_CPV_EXACT), None)
    labour = next((c for c in cpvs if c.startswith(LABOUR_INTENSIVE_CPV_PREFIXES)), None)
    return social, labour


def classify(ctx: NoticeContext, legal: LegalData) -> Scope:
    tags: set[str] = set()
    reasons: list[str] = []
    cpvs = [cpv] if (cpv := _cpv8(ctx.cpv)) else []
    for lot in ctx.lots:
        if cpv := _cpv8(str(lot.get("cpv") or "")):
            cpvs.append(cpv)
    field_cpv = ctx.value("cpv")
    if isinstance(field_cpv, list):
        cpvs += [_cpv8(str(c)) for c in field_cpv]
    elif field_cpv:
        cpvs.append(_cpv8(str(field_cpv)))
    social_words, cas_words, preliminary = _text_signals(ctx.title, ctx.description, ctx.authority_name)
    social_cpv, labour_cpv = _cpv_signals(tuple(cpvs))

    if social_cpv:
        tags.add("social")
        reasons.append(f"CPV {social_cpv} di servizi sociali, sanitari o educativi")
    elif social_words is not None:
        tags.add("social")
        reasons.append(f"oggetto da servizi alla persona («{social_words}»)")

    if cas_words:
        tags.add("cas")
        reasons.append("accoglienza di richiedenti protezione internazionale (CAS)")

    labour, base = ctx.number("labour_cost"), ctx.base_amount
    award = legal.threshold("award", ctx.published_on) if ctx.published_on else None
    share_cap = float(award["labour_intensive_share_pct"]) if award else 50.0
    if labour and base and (share := labour / base * 100) >= share_cap:
        tags.add("labour_intensive")
        reasons.append(f"costo della manodopera pari al {share:.0f}% dell'importo (≥ {share_cap:.0f}%)")
    elif labour_cpv:
        tags.add("labour_intensive")
        reasons.append(f"CPV {labour_cpv} di servizi ad alta intensità di manodopera")
    elif "social" in tags and not (labour and base):
        tags.add("labour_intensive")
        reasons.append("servizio alla persona: alta intensità di manodopera presunta")

    procedure = ctx.procedure or ""
    if field_procedure := ctx.value("procedure"):  # the feed's and the documents' procedure, read together
        procedure = f"{procedure} {field_procedure}" if procedure else str(field_procedure)
    if DIRECT_AWARD.search(procedure) and ctx.published_on:
        limit = legal.threshold("direct_award", ctx.published_on)
        amount = ctx.base_amount
        if limit and amount is not None and amount < float(limit["services_max_eur"]):
            tags.add("direct_award_below_threshold")
            reasons.append(f"affidamento diretto sotto € {float(limit['services_max_eur']):,.0f}".replace(",", "."))
    if preliminary:
        tags.add("preliminary")
        reasons.append("avviso preliminare (indagine di mercato o manifestazione di interesse)")
    if ctx.executions:
        tags.add("post_award")
        reasons.append("dati di aggiudicazione/esecuzione disponibili")
    return Scope(frozenset(tags), tuple(reasons))
