"""Duration, payment terms and the bid deadline."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from extract.fields.base import Found
from extract.fields.numbers import COUNT, count_value
from extract.textindex import TextIndex

ROME = ZoneInfo("Europe/Rome")

_DURATION = re.compile(
    r"\bdurata\s+(?:(?:complessiva\s+)?(?:dell'appalto|del\s+contratto|dell'accordo\s+quadro|del\s+servizio|"
    r"dell'affidamento|contrattuale|della\s+concessione|della\s+fornitura)[^.;\n]{0,120}?|di\s+|pari\s+a\s+)"
    rf"(?:\s*pari\s+a\s+|\s*di\s+)?(?:{COUNT})\s*(?P<unit>mes[ei]|ann[oi]|settimane)\b",
    re.I,
)
_DURATION_FOR = re.compile(rf"\bper\s+(?:una\s+durata\s+di\s+|un\s+periodo\s+di\s+)(?:{COUNT})\s*(?P<unit>mes[ei]|ann[oi])\b", re.I)

_PAYMENT = re.compile(
    r"\b(?:pagament\w*|liquidazion\w*|corrispettiv\w*|fattur\w*)[^.;\n]{0,200}?\bentro\s+"
    rf"(?:il\s+termine\s+di\s+)?(?:{COUNT})\s*giorni",
    re.I,
)
_PAYMENT_FROM = re.compile(r"giorni\s+(?:naturali\s+(?:e\s+)?(?:consecutivi\s+)?)?(?:dal(?:la)?|dal\s+ricevimento\s+della)\s+[^.;,]{0,60}", re.I)

_MONTHS = {
    "gennaio": 1, "febbraio": 2, "marzo": 3, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "agosto": 8,
    "settembre": 9, "ottobre": 10, "novembre": 11, "dicembre": 12,
}
_DATE = re.compile(
    r"(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<mn>{'|'.join(_MONTHS)})\s+(?P<y2>\d{{4}})",
    re.I,
)
_TIME = re.compile(r"\b(?:ore|h\.?)\s*(?P<h>\d{1,2})\s*[:.]\s*(?P<min>\d{2})|\b(?P<h2>\d{1,2}):(?P<min2>\d{2})\b", re.I)
_DEADLINE_LABEL = re.compile(
    r"\b(?:(?:termine|scadenza)\s+(?:ultimo\s+|perentorio\s+)?(?:per\s+la\s+|per\s+il\s+|di\s+|della\s+|del\s+)?"
    r"(?:presentazione|ricezione|ricevimento|invio|caricamento)\s+(?:delle\s+|dell'|della\s+)?(?:offert|domand)\w*"
    r"|scadenza\s+(?:delle\s+)?offerte"
    r"|offert\w*\s+(?:\w+\s+){0,3}?(?:pervenire|essere\s+(?:presentat|caricat|inviat|trasmess)\w*|presentat\w*)"
    r"[^.]{0,40}?\bentro)",
    re.I,
)


def duration_months(index: TextIndex) -> Found:
    for pattern in (_DURATION, _DURATION_FOR):
        for hit in index.finditer(pattern, "durata|per ", after=300):
            number = count_value(hit)
            unit = hit.group("unit").lower()
            months = number * 12 if unit.startswith("ann") else number if unit.startswith("mes") else None
            if months:
                return Found(months, [index.evidence(hit.start(), hit.end())])
    return Found()


def payment_days(index: TextIndex) -> Found:
    for hit in index.finditer(_PAYMENT, "pagament|liquidazion|corrispettiv|fattur", after=300):
        s, e = index.sentence_bounds(hit.start(), hit.end())
        sentence = index.text[s:e].lower()
        # Paying a fine or the ANAC fee within N days is not the payment term of the contract.
        if re.search(r"sanzion|contributo|anac|bollo|contestazion|penal", sentence):
            continue
        return Found(count_value(hit), [index.evidence(hit.start(), hit.end())])
    return Found()


def _date_time(text: str) -> tuple[dt.date, dt.time | None, int] | None:
    date = _DATE.search(text)
    if not date:
        return None
    try:
        if date.group("d"):
            day = dt.date(int(date.group("y")), int(date.group("m")), int(date.group("d")))
        else:
            day = dt.date(int(date.group("y2")), _MONTHS[date.group("mn").lower()], int(date.group("d2")))
    except ValueError:
        return None
    window = text[max(date.start() - 40, 0) : date.end() + 30]
    time = _TIME.search(window)
    at = None
    if time:
        hour = int(time.group("h") or time.group("h2"))
        minute = int(time.group("min") or time.group("min2"))
        if hour < 24 and minute < 60:
            at = dt.time(hour, minute)
    return day, at, date.end()


def deadline(index: TextIndex) -> Found:
    for label in index.finditer(_DEADLINE_LABEL, "termine|scadenza|offert", after=300):
        window = index.text[label.end() : label.end() + 160]
        prefix_start = max(label.start() - 10, 0)
        got = _date_time(index.text[prefix_start : label.end()] + window)
        if not got:
            continue
        day, at, date_end = got
        moment = dt.datetime.combine(day, at or dt.time(23, 59), tzinfo=ROME) if at else None
        value = moment.isoformat() if moment else day.isoformat()
        return Found(value, [index.evidence(label.start(), prefix_start + date_end)])
    return Found()
