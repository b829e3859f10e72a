"""eForms (UBL 2.3 + TED extensions) notice XML -> plain values, parsed safely.

defusedxml refuses DTDs, entity declarations and external references, so an entity bomb or an
XXE attempt raises `UnsafeXmlError` instead of expanding. Business terms read (eForms SDK 1.x):
notice subtype (BT-02/OPP-070), title/description (BT-21/BT-24), CPV (BT-262/263), estimated value
(BT-27), procedure type (BT-105), buyer (organisation name, national id, NUTS, country, city),
lots with their CPV, value, submission deadline (BT-131), award criteria type/name/weight
(BT-539, BT-734, BT-541), reserved participation (BT-71), social objective / strategic procurement
(BT-775, BT-06), performance terms (BT-70), procurement documents URL (BT-15).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
LANG_PREFERENCE = ("ITA", "ENG")


class UnsafeXmlError(ValueError):
    """The XML declares a DTD/entities (possible entity bomb or XXE): refused, not parsed."""


class MalformedXmlError(ValueError):
    """The XML is not well formed or not an eForms notice."""


@dataclass
class EformsLot:
    lot_id: str
    title: str | None = None
    cpv: str | None = None
    amount: Decimal | None = None
    deadline_at: dt.datetime | None = None
    award_criteria: list[dict[str, Any]] = field(default_factory=list)
    reserved_participation: str | None = None
    social_objectives: list[str] = field(default_factory=list)
    strategic_procurement: list[str] = field(default_factory=list)
    performance_terms: str | None = None
    documents: list[str] = field(default_factory=list)

    @property
    def award_criterion(self) -> str | None:
        types = {c["type"] for c in self.award_criteria}
        if not types:
            return None
        return "lowest_price" if types <= {"price"} else "oepv"

    def points(self, kinds: set[str]) -> Decimal | None:
        weights = [c["weight"] for c in self.award_criteria if c["type"] in kinds and c.get("weight") is not None]
        return sum(weights, Decimal(0)) if weights else None


@dataclass
class EformsNotice:
    kind: str  # ContractNotice, ContractAwardNotice, PriorInformationNotice
    subtype: str | None
    notice_type: str | None
    notice_id: str | None
    procedure_id: str | None
    issue_date: dt.date | None
    title: str | None
    description: str | None
    cpv: str | None
    amount: Decimal | None
    currency: str | None
    procedure_code: str | None
    buyer_name: str | None
    buyer_id: str | None
    buyer_nuts: str | None
    buyer_country: str | None
    buyer_city: str | None
    lots: list[EformsLot]

    @property
    def documents(self) -> list[str]:
        seen: dict[str, None] = {}
        for lot in self.lots:
            for url in lot.documents:
                seen.setdefault(url, None)
        return list(seen)


def parse_notice(body: bytes) -> EformsNotice:
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXmlError(f"refused: {type(exc).__name__}") from None
    except ParseError as exc:
        raise MalformedXmlError(f"not well formed: {exc}") from None
    kind = root.tag.rsplit("}", 1)[-1]
    if kind not in ("ContractNotice", "ContractAwardNotice", "PriorInformationNotice"):
        raise MalformedXmlError(f"not an eForms notice: root element {kind}")
    project = root.find("cac:ProcurementProject", NS)
    buyer = _buyer(root)
    amount_el = project.find("cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount", NS) if project is not None else None
    return EformsNotice(
        kind=kind,
        subtype=_text(root, ".//efac:NoticeSubType/cbc:SubTypeCode"),
        notice_type=_text(root, "cbc:NoticeTypeCode"),
        notice_id=_text(root, "cbc:ID[@schemeName='notice-id']"),
        procedure_id=_text(root, "cbc:ContractFolderID"),
        issue_date=_date(_text(root, "cbc:IssueDate")),
        title=_lang_text(project, "cbc:Name"),
        description=_lang_text(project, "cbc:Description"),
        cpv=_text(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode"),
        amount=_decimal(amount_el.text if amount_el is not None else None),
        currency=amount_el.get("currencyID") if amount_el is not None else None,
        procedure_code=_text(root, "cac:TenderingProcess/cbc:ProcedureCode"),
        lots=[_lot(lot) for lot in root.findall("cac:ProcurementProjectLot", NS)],
        **buyer,
    )


def _buyer(root: Element) -> dict[str, Any]:
    org_id = _text(root, "cac:ContractingParty/cac:Party/cac:PartyIdentification/cbc:ID")
    company = None
    for candidate in root.iterfind(".//efac:Organizations/efac:Organization/efac:Company", NS):
        if _text(candidate, "cac:PartyIdentification/cbc:ID") == org_id:
            company = candidate
            break
    if company is None:
        return {"buyer_name": None, "buyer_id": None, "buyer_nuts": None, "buyer_country": None, "buyer_city": None}
    return {
        "buyer_name": _lang_text(company, "cac:PartyName/cbc:Name"),
        "buyer_id": _text(company, "cac:PartyLegalEntity/cbc:CompanyID"),
        "buyer_nuts": _text(company, "cac:PostalAddress/cbc:CountrySubentityCode"),
        "buyer_country": _text(company, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
        "buyer_city": _text(company, "cac:PostalAddress/cbc:CityName"),
    }


def _lot(lot: Element) -> EformsLot:
    project = lot.find("cac:ProcurementProject", NS)
    terms = lot.find("cac:TenderingTerms", NS)
    process = lot.find("cac:TenderingProcess", NS)
    amount_el = project.find("cac:RequestedTenderTotal/cbc:EstimatedOverallContractAmount", NS) if project is not None else None
    criteria = []
    if terms is not None:
        for sub in terms.iterfind("cac:AwardingTerms/cac:AwardingCriterion/cac:SubordinateAwardingCriterion", NS):
            weight = None
            for parameter in sub.iterfind(".//efac:AwardCriterionParameter", NS):
                if (parameter.find("efbc:ParameterCode", NS) is not None
                        and parameter.find("efbc:ParameterCode", NS).get("listName") == "number-weight"):
                    weight = _decimal(_text(parameter, "efbc:ParameterNumeric"))
            criteria.append({
                "type": _text(sub, "cbc:AwardingCriterionTypeCode") or "unknown",
                "name": _lang_text(sub, "cbc:Name"),
                "weight": weight,
                "description": (_lang_text(sub, "cbc:Description") or "")[:500] or None,
            })
    performance = None
    documents: list[str] = []
    reserved = None
    if terms is not None:
        for requirement in terms.iterfind("cac:ContractExecutionRequirement", NS):
            code = requirement.find("cbc:ExecutionRequirementCode", NS)
            if code is not None and code.get("listName") == "conditions":
                performance = _lang_text(requirement, "cbc:Description")
        for code in terms.iterfind(".//cbc:TendererRequirementTypeCode", NS):
            if code.get("listName") == "reserved-procurement":
                reserved = (code.text or "").strip() or None
        for uri in terms.iterfind("cac:CallForTendersDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI", NS):
            if uri.text and uri.text.strip().startswith("http"):
                documents.append(uri.text.strip())
    social, strategic = [], []
    if project is not None:
        for code in project.iterfind("cac:ProcurementAdditionalType/cbc:ProcurementTypeCode", NS):
            value = (code.text or "").strip()
            if code.get("listName") == "social-objective" and value:
                social.append(value)
            elif code.get("listName") == "strategic-procurement" and value:
                strategic.append(value)
    deadline = None
    if process is not None:
        deadline = _datetime(
            _text(process, "cac:TenderSubmissionDeadlinePeriod/cbc:EndDate"),
            _text(process, "cac:TenderSubmissionDeadlinePeriod/cbc:EndTime"),
        )
    return EformsLot(
        lot_id=_text(lot, "cbc:ID") or "LOT",
        title=_lang_text(project, "cbc:Name"),
        cpv=_text(project, "cac:MainCommodityClassification/cbc:ItemClassificationCode"),
        amount=_decimal(amount_el.text if amount_el is not None else None),
        deadline_at=deadline,
        award_criteria=criteria,
        reserved_participation=reserved,
        social_objectives=social,
        strategic_procurement=strategic,
        performance_terms=performance,
        documents=documents,
    )


def _text(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _lang_text(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.findall(path, NS)
    for lang in LANG_PREFERENCE:
        for item in found:
            if item.get("languageID") == lang and item.text:
                return item.text.strip()
    return next((item.text.strip() for item in found if item.text and item.text.strip()), None)


def _decimal(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        return None


def _split_offset(value: str) -> tuple[str, dt.tzinfo | None]:
    if value.endswith("Z"):
        return value[:-1], dt.UTC
    if len(value) > 6 and value[-6] in "+-" and value[-3] == ":":
        sign = 1 if value[-6] == "+" else -1
        offset = dt.timedelta(hours=int(value[-5:-3]), minutes=int(value[-2:]))
        return value[:-6], dt.timezone(sign * offset)
    return value, None


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    day, _ = _split_offset(value.strip())
    try:
        return dt.date.fromisoformat(day)
    except ValueError:
        return None


def _datetime(day_value: str | None, time_value: str | None) -> dt.datetime | None:
    day = _date(day_value)
    if day is None:
        return None
    if time_value:
        clock, tz = _split_offset(time_value.strip())
        try:
            moment = dt.time.fromisoformat(clock)
        except ValueError:
            moment = dt.time(12)
    else:
        moment, tz = dt.time(23, 59), None
        if day_value:
            tz = _split_offset(day_value.strip())[1]
    from crawlers.policy import ROME

    return dt.datetime.combine(day, moment, tz or ROME)
