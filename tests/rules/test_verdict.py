"""The verdict: fields checked when built, messages formatted when first read, reason-only verdicts shared."""

from __future__ import annotations

import logging

import pytest

from rules.base import Verdict, compliant, not_verifiable, violation


def test_fields_are_checked() -> None:
    with pytest.raises(ValueError, match="result"):
        Verdict("forse", "messaggio")
    with pytest.raises(ValueError, match="severity"):
        violation("messaggio", severity="fatal")
    verdict = violation("messaggio", severity="info", figures={"gap_pct": -3.1}, uses_estimate=True)
    assert (verdict.result, verdict.severity, verdict.figures, verdict.evidence, verdict.uses_estimate) == (
        "violation", "info", {"gap_pct": -3.1}, [], True)


def test_a_message_function_runs_once_when_the_message_is_read() -> None:
    calls = []

    def message() -> str:
        calls.append(1)
        return "Costi della manodopera indicati (€ 1.234,00)."

    verdict = compliant(message, figures={"labour_cost": 1234.0})
    assert calls == []  # building the verdict formats nothing
    assert verdict.message == "Costi della manodopera indicati (€ 1.234,00)."
    assert verdict.message == "Costi della manodopera indicati (€ 1.234,00)."
    assert calls == [1]
    assert verdict == compliant("Costi della manodopera indicati (€ 1.234,00).", figures={"labour_cost": 1234.0})
    assert "€ 1.234,00" in repr(verdict)


def test_not_verifiable_says_why() -> None:
    verdict = not_verifiable("termine di pagamento non trovato nei documenti")
    assert verdict.reason == "termine di pagamento non trovato nei documenti"
    assert verdict.message == "Non verificabile: termine di pagamento non trovato nei documenti."
    assert not_verifiable("x", "Messaggio proprio.").message == "Messaggio proprio."
    assert not_verifiable("x", "").message == "Non verificabile: x."


def test_reason_only_verdicts_are_shared_and_the_others_are_not() -> None:
    reason = "dato di prova non trovato"
    shared = not_verifiable(reason)
    assert not_verifiable(reason) is shared
    with_figures = not_verifiable(reason, figures={"ccnl": []})
    assert with_figures is not shared and with_figures.figures == {"ccnl": []}
    assert not_verifiable(reason, evidence=[{"page": 1}]) is not shared
    assert compliant("ok") is not compliant("ok")  # a message of its own: one verdict per notice


def test_a_failing_message_does_not_stop_a_run(caplog: pytest.LogCaptureFixture) -> None:
    verdict = violation(lambda: f"{1 / 0}", figures={"gap_pct": -5.0})
    with caplog.at_level(logging.ERROR, logger="rules.base"):
        assert verdict.message.startswith("Messaggio non disponibile (errore interno: ZeroDivisionError")
    assert verdict.result == "violation" and verdict.figures == {"gap_pct": -5.0}
    assert "verdict message failed" in caplog.text
