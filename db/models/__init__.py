"""All models, imported here so that `Base.metadata` knows every table (Alembic autogenerate)."""

from db.base import Base, metadata
from db.models.accreditation import (
    AlertDeliveryTariffFinding,
    AlertDeliveryWatchedAct,
    Tariff,
    TariffFinding,
    WatchedAct,
)
from db.models.authority import ContractingAuthority
from db.models.document import Document, Extraction, NoticeTerms
from db.models.execution import ContractExecution, PaymentIndicator
from db.models.finding import Finding
from db.models.notice import Lot, Notice
from db.models.observatory import AlertDelivery, AlertDeliveryFinding, Observatory
from db.models.run import PipelineLock, RunRecord
from db.models.source import Source

__all__ = [
    "AlertDelivery",
    "AlertDeliveryFinding",
    "AlertDeliveryTariffFinding",
    "AlertDeliveryWatchedAct",
    "Base",
    "ContractExecution",
    "ContractingAuthority",
    "Document",
    "Extraction",
    "Finding",
    "Lot",
    "Notice",
    "NoticeTerms",
    "Observatory",
    "PaymentIndicator",
    "PipelineLock",
    "RunRecord",
    "Source",
    "Tariff",
    "TariffFinding",
    "WatchedAct",
    "metadata",
]
