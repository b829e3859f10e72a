"""The digest's content: rule titles and legal basis, updated verdicts, estimates, late payers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from alerts.rulebook import _titles, describe_rule
from alerts.service import preview_digest, queue_digests
from db.models import PaymentIndicator
from rules.registry import rules_by_code
from tests.alerts import factories

NOW = dt.datetime(2026, 11, 23, 5, 30, tzinfo=dt.UTC)


def test_every_rule_has_an_italian_title_and_its_own_legal_basis() -> None:
    assert set(_titles()) == set(rules_by_code())
    info = describe_rule("R-BASE-2")
    assert info.name == "Costo della manodopera inferiore al costo delle tabelle ministeriali"
    assert info.legal_basis == rules_by_code()["R-BASE-2"].legal_basis
    assert (
        describe_rule("R-SOC-99").name == "Clausola sociale e tutela del personale uscente"
    )  # family fallback


def test_updated_verdict_estimate_and_late_payer(session, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    src = factories.source(session)
    napoli = factories.authority(session, "Comune di Napoli", "80014890638", istat_region="15")
    session.add(
        PaymentIndicator(
            authority_id=napoli.id,
            period="2025-Q2",
            itp_days=Decimal("12.5"),
            sign_convention="giorni oltre la scadenza",
            source="test",
        )
    )
    session.add(
        PaymentIndicator(
            authority_id=napoli.id,
            period="2025-Q3",
            itp_days=Decimal("41.25"),
            sign_convention="giorni oltre la scadenza",
            source="test",
        )
    )
    ntc = factories.notice(session, src, napoli, "Servizio di assistenza educativa specialistica")
    first = factories.finding(
        session,
        ntc,
        result="not_verifiable",
        severity="warning",
        reason="letti 1 documenti su 2: l'assenza della clausola non è accertabile",
    )
    assert queue_digests(session, directory, file_settings, now=NOW) == 1

    first.is_current = False
    factories.finding(session, ntc, supersedes_id=first.id, uses_estimate=True)
    rendered = preview_digest(session, directory, file_settings, "CAM", now=NOW)
    assert rendered is not None
    for part in (rendered.text, rendered.html):
        assert "verdetto aggiornato" in part
        assert "valore stimato della tabella" in part
        assert "indicatore di tempestività 2025-Q3 = 41,25 giorni di ritardo medio" in part
        assert "art. 41 c. 13-14 D.Lgs. 36/2023; DD Ministero del Lavoro n. 7/2020 e n. 30/2024" in part
        assert "Costo della manodopera inferiore al costo delle tabelle ministeriali" in part
    assert "GARE NON VERIFICABILI" not in rendered.text  # the superseded verdict is not repeated


def test_unverified_only_digest(session, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    src = factories.source(session)
    auth = factories.authority(session, "Comune di Genova", istat_region="07")
    ntc = factories.notice(session, src, auth, "Servizi di assistenza domiciliare")
    factories.finding(
        session,
        ntc,
        rule_code="R-SOC-1",
        result="not_verifiable",
        reason="nessun documento di gara disponibile: l'assenza della clausola non è accertabile",
    )
    factories.finding(
        session,
        ntc,
        rule_code="R-REV-1",
        result="not_verifiable",
        reason="nessun documento di gara disponibile: l'assenza della clausola non è accertabile",
    )
    rendered = preview_digest(session, directory, file_settings, "LIG", now=NOW)
    assert rendered.subject == (
        "[Osservatorio appalti] Osservatorio regionale Liguria: 1 gara non verificabile — Comune di Genova — 23/11/2026"
    )
    assert rendered.text.count("* Servizi di assistenza domiciliare") == 1  # one entry, two reasons
    # The same reason stopped two checks: said once, naming both.
    assert rendered.text.count("nessun documento di gara disponibile") == 1
    assert "controlli non eseguiti: R-SOC-1, R-REV-1" in rendered.text


def test_message_id_is_stable_across_a_rolled_back_queueing(session, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from db.models import AlertDelivery

    factories.digest_world(session)
    session.commit()
    queue_digests(session, directory, file_settings, now=NOW)
    first = sorted(session.scalars(select(AlertDelivery.message_id)))
    session.rollback()  # the run died before committing: nothing was queued
    assert session.scalars(select(AlertDelivery.message_id)).all() == []
    queue_digests(session, directory, file_settings, now=NOW + dt.timedelta(hours=2))
    assert sorted(session.scalars(select(AlertDelivery.message_id))) == first
    assert len(first) == 3 and all(
        m.startswith("<finding-digest.") and m.endswith("@osservatori.example.org>") for m in first
    )


def test_many_findings_are_looked_up_in_chunks(session, directory, file_settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import alerts.digest

    monkeypatch.setattr(alerts.digest, "IN_CHUNK", 2)
    world = factories.digest_world(session)
    assert queue_digests(session, directory, file_settings, now=NOW) == 3
    # One more finding: the five delivered ones are found across three chunks and not queued again.
    factories.finding(session, world["notices"][0], rule_code="R-PAY-1", severity="info", figures={})
    assert queue_digests(session, directory, file_settings, now=NOW) == 1
    assert queue_digests(session, directory, file_settings, now=NOW) == 0


def test_digest_says_which_sources_were_not_read(session, directory, file_settings) -> None:  # type: ignore[no-untyped-def]
    factories.digest_world(session)  # its source is healthy ("unknown")
    factories.source(session, "sintel", name="Sintel (Lombardia)", health="broken", health_reason="0 avvisi")
    factories.source(session, "old", name="Portale dismesso", health="disabled")
    rendered = preview_digest(session, directory, file_settings, "LOM", now=NOW)
    assert "Fonti: 1 su 2 funzionanti." in rendered.text
    assert (
        "non funzionante: Sintel (Lombardia) (0 avvisi); le sue gare non sono state lette." in rendered.text
    )
    assert "Sintel (Lombardia) (0 avvisi)" in rendered.html
