from __future__ import annotations

import re
from functools import lru_cache

from rules.base import Rule, Verdict, compliant, not_verifiable, violation
from rules.common import missing_clause
from rules.context import NoticeContext, to_float
from rules.legal import LegalData

# Public bodies providing health care (art. 4 c. 5): by legal nature or name. "ASP" and "ATS" are health
# bodies in some regions (Azienda Sanitaria Provinciale, Agenzia di Tutela della Salute) and social ones in
# others (Azienda pubblica di Servizi alla Persona, Ambito Territoriale Sociale): the name decides, and an
# acronym alone is read as a health body (a missed flag rather than a false one).
HEALTH_BODY = re.compile(
    r"aziend[ae]\s+(sanitari|ospedalier|socio[- ]sanitari|unit[aà] sanitari|usl|ulss)|\b(asl|ausl|usl|ulss|asst|asur|"
    r"asm|irccs|ircss|aou|aor|estar|arcs|ares)\b|azienda zero|policlinico|ospedal|ricovero e cura|"
    r"istituto zooprofilattico|agenzia di tutela della salute|servizio sanitario|enti? del ssn|sanitari[ao] (locale|provinciale)",
    re.IGNORECASE)
AMBIGUOUS_HEALTH = re.compile(r"\b(asp|ats)\b", re.IGNORECASE)
SOCIAL_BODY = re.compile(r"servizi alla persona|pubblica di servizi|ambito territoriale|ambito sociale|servizi sociali",
                         re.IGNORECASE)
# The event the term runs from: the words after "giorni dal/dalla ...", up to a comma or "previa".
DIES_A_QUO = re.compile(r"giorni\b[^.;]{0,40}?\b(?:dalla|dalle|dall'|dai|dal|decorrent\w*\s+dal\w*|a decorrere dal\w*)\s*"
                        r"([^.;,]{0,80}?)(?=,|;|\.|\bprevi[ao]\b|\bsubordinat|\bsalv|$)", re.IGNORECASE)
LATE_START = re.compile(r"liquidazion|mandat|ordinativ|approvazion|fine mese|d\.?\s?f\.?\s?f\.?\s?m\b|durc",
                        re.IGNORECASE)
CONFORMITY_START = re.compile(r"verific\w* di conformit|regolare esecuzione|collaud|accertament\w* della conformit|"
                              r"accettazione", re.IGNORECASE)
INVOICE_START = re.compile(r"ricevimento|ricezione|fattur|presentazione", re.IGNORECASE)
END_OF_MONTH = re.compile(r"fine mese|d\.?\s?f\.?\s?f\.?\s?m\b", re.IGNORECASE)
# Art. 4 c. 4: a longer term agreed expressly and justified by the contract's nature.
JUSTIFIED = re.compile(r"art(?:icolo|\.)?\s*4,?\s*(?:c(?:omma|\.)?\s*)?4\b|giustificat|natura (particolare )?(del|dell)|"
                       r"pattuit|concordat|espressament", re.IGNORECASE)


@lru_cache(maxsize=4096)  # authorities tender again and again: one regex search per authority, not per notice
def health_body(name: str | None, legal_nature: str | None) -> bool:
    text = " ".join(filter(None, [name, legal_nature]))
    if HEALTH_BODY.search(text):
        return True
    return bool(AMBIGUOUS_HEALTH.search(text)) and not SOCIAL_BODY.search(text)


@lru_cache(maxsize=4096)
def start_event(text: str, stated: bool = False) -> tuple[str | None, str | None]:
    """('invoice' | 'conformity' | 'late' | None, the words read) for the event a payment term runs from: the
    words after "giorni dal/dalla ..." in a sentence, or the whole of a `from` the extractor `stated`. A word
    elsewhere in the sentence ("la liquidazione avverrà entro 30 giorni") says nothing about the start."""
    if (end_of_month := END_OF_MONTH.search(text)) is not None:
        return "late", end_of_month.group(0)
    match = DIES_A_QUO.search(text)
    if match is None and not stated:
        return None, None
    phrase = match.group(1).strip() if match else text.strip()
    for kind, pattern in (("late", LATE_START), ("conformity", CONFORMITY_START), ("invoice", INVOICE_START)):
        if pattern.search(phrase):
            return kind, phrase
    return None, phrase or None


class R_PAY_1(Rule):
    """The contract's payment term exceeds the legal maximum or runs from an event the law does not allow.

    Why it matters:
        Cooperatives pay wages monthly; every day of payment term beyond the law is financed by them. A term
        that runs from the "liquidazione" or the payment order instead of the invoice stretches the term
        without saying so.

    Legal basis:
        Art. 4 D.Lgs. 231/2002 as amended by D.Lgs. 192/2012, for transactions from 1/1/2013
        (`thresholds.yaml` topic `payment`). c. 2: 30 days from receipt of the invoice; lett. d) from the
        acceptance or conformity check where the law or the contract provides one. c. 4: with a public
        administration a longer term may be agreed "in modo espresso" when the nature or object of the
        contract objectively justifies it, never above 60 days (MEF circolare n. 36 of 8/11/2024). c. 5:
        60 days for public bodies providing health care. c. 6: the conformity check may not last more than
        30 days unless expressly agreed. Readings on the open points (RULES_AUDIT.md §3 #4): the term is
        judged on the event it runs from, not on any word near it ("entro 30 giorni dal ricevimento della
        fattura, previa attestazione di regolare esecuzione" runs from the invoice); a term running from the
        conformity check is lawful (lett. d), capped by c. 6; "ASP" and "ATS" are health bodies only when
        the name does not say they are social ones; ESTAR, Azienda Zero and the like are health bodies.

    Methodology:
        Reads `payment_days` (a number, or an object with `days` and `from`); the starting event from
        `from`, else from the words after "giorni dal/dalla ..." in the evidence. Violation (warning) when
        the days exceed 60 (the most c. 4 and c. 5 allow), or when the term runs from the liquidazione, the
        payment order, an approval or the end of the month.
        31-60 days for another administration: compliant when the documents state the agreement or its
        justification (c. 4), otherwise a violation of severity info when every document was read (the
        justification may be in the decision to contract), not verifiable when not.

    Does not flag:
        30 days from the invoice, whatever conditions follow ("previa verifica del DURC", "previa
        attestazione di regolare esecuzione"); 30 days from the conformity check (c. 2 lett. d); "la
        liquidazione avverrà entro 30 giorni dal ricevimento"; 60 days for a health body (ASL, azienda
        ospedaliera, ESTAR, Azienda Zero); 31-60 days agreed and justified; payment term not found.

    Assumptions:
        Health bodies recognised by legal nature or name; the authority registry's legal nature comes first
        when it is known.

    Flagged example:
        A municipality: "pagamento entro 90 giorni dal ricevimento della fattura"; or "entro 30 giorni dalla
        data del mandato di pagamento".

    Not flagged example:
        "pagamento entro 30 (trenta) giorni dal ricevimento della fattura elettronica, previa attestazione di
        regolare esecuzione"; ESTAR, 60 days.
    """

    code = "R-PAY-1"
    name = "payment.term_too_long"
    family = "R-PAY"
    severity = "warning"
    version = "2"
    legal_basis = "art. 4 c. 2-6 D.Lgs. 231/2002"

    def evaluate(self, ctx: NoticeContext, legal: LegalData) -> Verdict:
        raw = ctx.value("payment_days")
        days = to_float(raw)
        if days is None:
            return not_verifiable("termine di pagamento non trovato nei documenti")
        law = legal.threshold("payment", ctx.published_on or ctx.today)
        if law is None:
            return not_verifiable("nessuna norma sui termini di pagamento caricata per la data di pubblicazione")
        evidence = ctx.evidence("payment_days")
        stated_from = str(raw.get("from") or "") if isinstance(raw, dict) else ""
        texts = " ".join(str(e.get("text") or "") for e in evidence)
        kind, words = start_event(stated_from, True) if stated_from else start_event(texts)
        health = health_body(ctx.authority_name, ctx.authority_legal_nature)
        ordinary = int(law["max_days"])
        limit = int(law["max_days_health"] if health else law["max_days_agreed"])
        figures = {"payment_days": days, "max_days": ordinary, "max_days_agreed": limit, "health_body": health,
                   "runs_from": kind, "runs_from_text": words, "law_version": law["id"]}
        if days > limit:
            return violation(lambda: f"Termine di pagamento di {days:.0f} giorni, oltre il massimo di {limit} giorni "
                             f"consentito anche per accordo espresso ({law['legal_basis']}, c. 4-5).",
                             figures=figures, evidence=evidence)
        if kind == "late":
            return violation(lambda: f"Termine di pagamento di {days:.0f} giorni che decorre da «{words}» e non dal "
                             "ricevimento della fattura o dalla verifica di conformità (art. 4 c. 2 D.Lgs. 231/2002): "
                             "il termine reale si allunga.", figures=figures, evidence=evidence)
        check = int(law["max_conformity_check_days"])
        note = (f" Decorre dalla verifica di conformità, ammessa dall'art. 4 c. 2 lett. d) se non dura più di {check} "
                "giorni (c. 6)." if kind == "conformity" else "")
        if days > ordinary and not health:
            if JUSTIFIED.search(f"{stated_from} {texts}"):
                return compliant(lambda: f"Termine di pagamento di {days:.0f} giorni, oltre i {ordinary} ordinari ma "
                                 f"pattuito e motivato come consente l'art. 4 c. 4 D.Lgs. 231/2002 (massimo {limit}).{note}",
                                 figures=figures, evidence=evidence)
            return missing_clause(
                ctx, f"Termine di pagamento di {days:.0f} giorni: oltre i {ordinary} ordinari è ammesso solo se pattuito "
                     "espressamente e giustificato dalla natura del contratto (art. 4 c. 4 D.Lgs. 231/2002), e i "
                     "documenti letti non lo motivano: verificare la determina a contrarre.",
                severity="info", figures=figures, evidence=evidence)
        return compliant(lambda: f"Termine di pagamento di {days:.0f} giorni, entro il massimo di "
                         f"{limit if health else ordinary}.{note}", figures=figures, evidence=evidence)
