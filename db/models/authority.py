"""Contracting authorities (stazioni appaltanti), keyed by fiscal code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, TimestampMixin


class ContractingAuthority(TimestampMixin, Base):
    __tablename__ = "contracting_authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Codice fiscale (11 digits for public bodies). Null only when a feed gives none; such rows are
    # keyed by `name_key` instead and listed as unplaced.
    fiscal_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    name_key: Mapped[str] = mapped_column(String(512), index=True)  # normalised name, for matching
    legal_nature: Mapped[str | None] = mapped_column(String(255))
    ausa_code: Mapped[str | None] = mapped_column(String(16))
    # ISTAT codes: comune (6 digits), province (3 digits), region (2 digits); NUTS as a fallback.
    istat_comune: Mapped[str | None] = mapped_column(String(6))
    istat_province: Mapped[str | None] = mapped_column(String(3))
    istat_region: Mapped[str | None] = mapped_column(String(2), index=True)
    nuts: Mapped[str | None] = mapped_column(String(5))
    # How the region was resolved ("istat", "province", "nuts", "registry", ...) or why it was not.
    place_source: Mapped[str | None] = mapped_column(Text)
    # Ministries, national purchasing bodies (Consip, Sogei, ...): routed to the National Observatory.
    is_national: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the authority changed fiscal code: the code it had before (kept visible, never merged silently).
    previous_fiscal_code: Mapped[str | None] = mapped_column(String(16))
    # What ANAC's stazioni-appaltanti registry says beyond the columns above (partita IVA, address,
    # stato, data_inizio/data_fine, in-house flags, the file it came from). Empty: never seen there.
    registry_data: Mapped[dict[str, Any]] = mapped_column(default=dict)
