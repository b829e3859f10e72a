"""Social clause (art. 57), price revision (art. 60) and the CCNL named (art. 11)."""

from __future__ import annotations

import re

from extract.fields.base import Found
from extract.fields.numbers import parse_percent
from extract.textindex import TextIndex

# --- social clause -----------------------------------------------------------------------------
SOCIAL_HINT = r"clausol|assorbiment|stabilit|personale|cambi|37"
_SOCIAL = re.compile(
    r"\bclausol[ae]\s+social[ei]\b|\b(?:ri)?assorbimento\s+(?:prioritario\s+)?del\s+personale|"
    r"\bstabilità\s+occupazionale|\bpersonale\s+(?:già\s+)?(?:impiegato|operante|in\s+servizio)\s+(?:presso|dal|dall'|nel)\s*(?:il\s+|l'|la\s+)?"
    r"(?:precedente|gestore\s+uscente|appaltatore\s+uscente|attuale\s+(?:gestore|appaltatore))|"
    r"\bcambi?\s+(?:di\s+)?(?:gestione|appalto)\b|\bart(?:icolo|\.)?\s*37\s+(?:del\s+)?CCNL",
    re.I,
)
_WEAK = re.compile(
    r"compatibilmente\s+con|compatibil[ie]\s+con\s+l'organizzazione|ove\s+(?:possibile|compatibile)|"
    r"nei\s+limiti\s+(?:del|della|consentiti)|armonizzabil|qualora\s+(?:il\s+numero|compatibil)|"
    r"in\s+via\s+prioritaria\s+ove|se\s+compatibil",
    re.I,
)
_BINDING = re.compile(
    r"\b(?:è\s+tenut[oa]|(?:ha|avrà)\s+l'obbligo|obbligo\s+di\s+(?:ri)?(?:assumere|assorbire)|"
    r"(?:dovrà|deve|devono|dovranno)\s+(?:prioritariamente\s+)?(?:assumere|assorbire|riassorbire|garantire)|"
    r"si\s+impegna\s+ad?\s+(?:assumere|assorbire|riassorbire|garantire)|obbligatori[ao]|"
    r"a\s+pena\s+di\s+esclusione)",
    re.I,
)
# Re-hiring all the outgoing staff whatever the organisation: held unlawful (TAR Liguria II 22/2019).
_ABSOLUTE = re.compile(
    r"\b(?:assunzione|assorbimento|riassorbimento|assumere|assorbire|riassorbire)\s+(?:di\s+)?(?:tutto\s+il\s+personale|"
    r"tutti\s+i\s+lavoratori|tutti\s+gli\s+(?:addetti|operatori))",
    re.I,
)
_STAFF_LIST = re.compile(
    r"\b(?:elenco|tabella|prospetto|lista)\s+(?:\w+\s+){0,3}?(?:del\s+)?personale\s+(?:attualmente\s+|già\s+)?"
    r"(?:impiegato|in\s+forza|uscente|in\s+servizio|operante|addetto)|"
    r"\b(?:elenco|tabella|prospetto|lista)\s+(?:\w+\s+){0,3}?(?:dei\s+)?(?:lavoratori|addetti|dipendenti)\s+(?:attualmente\s+)?"
    r"(?:impiegat|in\s+forza|uscent|in\s+servizio)\w*|"
    r"\bpersonale\s+uscente[^.;]{0,80}?\b(?:è\s+allegat|allegat[oa]\s+al|elencat|riportat\w+\s+nell'allegato)",
    re.I,
)


def social_clause(index: TextIndex) -> Found:
    hits = list(index.finditer(_SOCIAL, SOCIAL_HINT, before=15, after=250))
    if not hits:
        return Found()
    evidence = [index.evidence(h.start(), h.end()) for h in hits[:3]]
    strength = None
    for pattern, label in ((_WEAK, "weak"), (_ABSOLUTE, "absolute"), (_BINDING, "binding")):
        for h in hits:
            s, e = index.sentence_bounds(h.start(), h.end())
            # The wording may be in the sentence after the heading "Clausola sociale".
            e2 = index.sentence_bounds(min(e + 1, len(index.text) - 1))[1]
            found = pattern.search(index.text, s, e2)
            if found:
                strength = label
                evidence.append(index.evidence(found.start(), found.end()))
                break
        if strength:
            break
    staff_list = index.search(_STAFF_LIST, "elenco|tabella|prospetto|lista|personale uscente", after=250)
    if staff_list:
        evidence.append(index.evidence(staff_list.start(), staff_list.end()))
    return Found({"present": True, "strength": strength, "staff_list": bool(staff_list)}, evidence)


# --- price revision ------------------------------------------------------------------------------
_REVISION = re.compile(
    r"\b(?:revisione\s+(?:dei\s+|del\s+)?(?:prezzi|prezzo|corrispettiv[io]|canone)|clausol[ae]\s+(?:di\s+)?revisione|"
    r"adeguamento\s+(?:dei\s+|del\s+)?(?:prezzi|corrispettivo|canone)|adeguamento\s+istat)\b",
    re.I,
)
_NO_REVISION = re.compile(
    r"\b(?:non\s+(?:è|e'|sarà|viene)\s+(?:prevista|ammessa|consentita|applicata|riconosciuta)\s+(?:alcuna\s+|la\s+)?(?:revisione|adeguamento)|"
    r"(?:revisione|adeguamento)\s+(?:dei\s+prezzi\s+|prezzi\s+)?non\s+(?:è|sarà)\s+(?:prevista|ammessa|consentita|applicabile)|"
    r"esclus[ao]\s+(?:ogni|qualsiasi|qualunque)\s+(?:forma\s+di\s+)?(?:revisione|adeguamento)|"
    r"prezzi?\s+(?:sono\s+|si\s+intend\w+\s+|restano\s+)?fiss[io]\s+e\s+invariabil[ie]|non\s+si\s+(?:applica|procede\s+al?l?a?)\s+(?:la\s+)?revisione)",
    re.I,
)
_THRESHOLD = re.compile(
    r"(?:superiore|eccedente|oltre|maggiore)\s+(?:al|il|del)\s+(\d{1,2}(?:,\d+)?)\s*%|soglia\s+(?:del|pari\s+al)\s+(\d{1,2}(?:,\d+)?)\s*%|"
    r"(\d{1,2}(?:,\d+)?)\s*%\s+(?:\w+\s+){0,3}?(?:soglia|franchigia)",
    re.I,
)
_SHARE = re.compile(
    r"(\d{2,3}(?:,\d+)?)\s*%\s+(?:dell'eccedenza|della\s+(?:variazione|differenza|parte)\s+eccedente|dell'importo\s+eccedente|"
    r"della\s+variazione)",
    re.I,
)
_INDEX = re.compile(
    r"\bindic[ei]\s+(?:istat\s+)?(?:FOI|NIC|IPCA)\b|\b(?:FOI|NIC|IPCA)\b|"
    r"\bindic[ei]\s+(?:sintetic[oi]\s+)?(?:dei|delle|del)\s+(?:prezzi|retribuzioni|costo)(?:[^.;]|\.(?=\d)){0,140}?(?=\s+(?:pubblicat|elaborat|rilevat|dell'istat|istat)|[.;](?!\d)|$)",
    re.I,
)


_REVISION_HINT = "revision|adeguament|invariabil"


def _negation(index: TextIndex, spans: list[tuple[int, int]]) -> re.Match[str] | None:
    for start, end in spans:
        found = _NO_REVISION.search(index.text, start, end)
        if found:
            return found
    return None


def price_revision(index: TextIndex) -> Found:
    # Only near the words a clause needs: scanning the whole text with the full patterns is slow.
    spans = index.windows(_REVISION_HINT, 120, 200)
    negative = _negation(index, spans)
    if negative:
        return Found(
            {"present": False, "threshold_pct": None, "share_pct": None, "index": None},
            [index.evidence(negative.start(), negative.end())],
        )
    mentions = [m for start, end in spans for m in _REVISION.finditer(index.text, start, end)]
    if not mentions:
        return Found()
    value = {"present": True, "threshold_pct": None, "share_pct": None, "index": None}
    evidence = []
    # The clause is the mention followed by percentages; the table of contents and passing mentions
    # are skipped by taking the first mention whose following text gives the figures.
    best = mentions[0]
    for mention in mentions:
        window = index.text[mention.start() : mention.start() + 2500]
        if _THRESHOLD.search(window) or _SHARE.search(window) or _INDEX.search(window):
            best = mention
            break
    evidence.append(index.evidence(best.start(), best.end()))
    start = best.start()
    stop = start + 2500
    threshold = _THRESHOLD.search(index.text, start, stop)
    if threshold:
        value["threshold_pct"] = parse_percent(next(g for g in threshold.groups() if g))
        evidence.append(index.evidence(threshold.start(), threshold.end()))
    share = _SHARE.search(index.text, start, stop)
    if share:
        value["share_pct"] = parse_percent(share.group(1))
        if not threshold or index.sentence_bounds(share.start()) != index.sentence_bounds(threshold.start()):
            evidence.append(index.evidence(share.start(), share.end()))
    found_index = _INDEX.search(index.text, start, stop)
    if found_index:
        value["index"] = " ".join(found_index.group(0).split())
        evidence.append(index.evidence(found_index.start(), found_index.end()))
    return Found(value, evidence)


# --- CCNL ------------------------------------------------------------------------------------------
_CCNL_CONTEXT = re.compile(r"\bC\.?C\.?N\.?L\.?\b|contratt[oi]\s+collettiv[oi]|codice\s+CNEL", re.I)
_CCNL_NAMES = [
    ("Cooperative sociali", re.compile(r"cooperative\s+social[ei]|settore\s+socio[\s-]*sanitario[\s-]*assistenziale[\s-]*educativo|\bT\s?151\b", re.I)),
    ("UNEBA", re.compile(r"\bU\.?N\.?E\.?B\.?A\.?\b", re.I)),
    ("ANASTE", re.compile(r"\bANASTE\b", re.I)),
    ("AIOP", re.compile(r"\bAIOP\b", re.I)),
    ("ARIS", re.compile(r"\bARIS\b")),
    ("AGIDAE", re.compile(r"\bAGIDAE\b", re.I)),
    ("Multiservizi", re.compile(r"multiservizi|servizi\s+di\s+pulizia", re.I)),
    ("Commercio e terziario", re.compile(r"\b(?:commercio|terziario)\b", re.I)),
    ("Sanità privata", re.compile(r"sanità\s+privata", re.I)),
    ("Enti locali", re.compile(r"funzioni\s+locali|enti\s+locali", re.I)),
]


def ccnl(index: TextIndex) -> Found:
    for context in index.finditer(_CCNL_CONTEXT, "ccnl|c.c.n.l|contratt|cnel", after=60):
        s, e = index.sentence_bounds(context.start(), context.end())
        sentence = index.text[s:e]
        best = None
        for name, pattern in _CCNL_NAMES:
            hit = pattern.search(sentence)
            if hit and (best is None or hit.start() < best[1].start()):
                best = (name, hit)
        if best:
            return Found(best[0], [index.evidence(s + best[1].start(), s + best[1].end())])
    return Found()
