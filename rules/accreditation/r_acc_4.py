from __future__ import annotations

from rules import format as fmt
from rules.accreditation import data
from rules.accreditation.base import TariffRule, blockers
from rules.accreditation.context import TariffContext
from rules.base import Verdict, compliant, not_verifiable, violation
from rules.legal import LegalData


class R_ACC_4(TariffRule):
    """The health service pays less than half of the daily tariff of long-term residential care (RSA lungoassistenza).

    Why it matters:
        DPCM 12/1/2017 (LEA) art. 30: for long-term care of non self-sufficient elderly people in residences
        the SSN pays 50 % of the daily tariff (restated by risORSA and applied by the Tribunale di Bologna to
        a CRA; TAR Piemonte 154/2015 counts tutelary care as LEA). A lower health share shifts the cost to
        users and Comuni, and the tariffs down.

    Legal basis:
        DPCM 12/1/2017 (LEA) art. 30, published in GU n. 65 of 18/3/2017, in force from 19/3/2017, issued
        under D.Lgs. 502/1992 art. 1 c. 7: c. 1 lett. b) lungoassistenza in residences for non self-sufficient
        elderly; the 50 % SSN share of c. 2 is restated by secondary sources and applied by the Tribunale di
        Bologna (ACCREDITATION.md §1, S6-S7). Reading chosen: until c. 2 is read on Normattiva and marked
        verified in rules/data/accreditation.yaml the rule is not verifiable; after that a share below 49,5 %
        is a warning.

    Methodology:
        Share = quota sanitaria / total tariff (amount, or health + social quota). Share ≥ 50 % (legal
        data): compliant. Share < 50 % − 0,5 pt is a violation only when both figures are read in the act
        and the legal basis itself is marked verified in the legal data (the c. 2 wording has not been read
        on Normattiva yet: until then the rule says not verifiable).

    Does not flag:
        Estensivi treatments (fully SSN), semi-residential, disability or social-only settings, a missing
        quota or total, a share within the tolerance: not verifiable.

    Assumptions:
        The service types RSA and CRA (Emilia-Romagna's elderly residences) with care setting
        "lungoassistenza" are the residences of art. 30 c. 1 lett. b).

    Flagged example:
        RSA lungoassistenza, tariff € 110,00/day with quota sanitaria € 49,00 (both read in the act): 44,5 %.

    Not flagged example:
        Quota sanitaria € 55,00 on € 110,00: 50,0 %, compliant; an estensivo setting: not verifiable.
    """

    code = "R-ACC-4"
    name = "accreditation.health_share_below_half"
    family = "R-ACC"
    severity = "warning"
    version = "1"
    legal_basis = "DPCM 12/1/2017 (LEA) art. 30"

    def evaluate(self, ctx: TariffContext, legal: LegalData) -> Verdict:  # type: ignore[override]
        settings = data.load()
        if ctx.service_type not in settings.lea_service_types or ctx.care_setting not in settings.lea_settings:
            setting = ctx.care_setting or "non indicato"
            return not_verifiable(f"regola per la lungoassistenza in RSA; servizio {ctx.service_type or '?'}, "
                                  f"regime {setting}")
        total, total_status = ctx.total()
        if ctx.health_share is None or total is None or total <= 0:
            return not_verifiable("quota sanitaria o tariffa complessiva non indicate")
        share = ctx.health_share / total * 100
        figures = {"health_share": ctx.health_share, "total": total, "share_pct": round(share, 2),
                   "min_pct": settings.lea_min_pct, "basis_status": settings.lea_status}
        evidence = ctx.evidence("health_share", "amount", "social_share")
        if share >= settings.lea_min_pct:
            return compliant(lambda: f"Quota sanitaria {fmt.euro(ctx.health_share or 0)} su {fmt.euro(total)}: "
                             f"{fmt.pct(share)}.", figures=figures, evidence=evidence)
        if share >= settings.lea_min_pct - settings.lea_tolerance_pct:
            return not_verifiable(f"quota sanitaria al {fmt.pct(share)}, entro la tolleranza di arrotondamento",
                                  figures=figures, evidence=evidence)
        why = blockers({"la quota sanitaria è": ctx.status("health_share"), "la tariffa complessiva è": total_status,
                        "la base normativa (art. 30 c. 2) è": settings.lea_status})
        if why:
            return not_verifiable(f"quota sanitaria al {fmt.pct(share)} della tariffa, ma " + "; ".join(why),
                                  figures=figures, evidence=evidence)
        return violation(lambda: f"Lungoassistenza in RSA ({ctx.act_label}): quota sanitaria di "
                         f"{fmt.euro(ctx.health_share or 0)} su {fmt.euro(total)}, {fmt.pct(share)} invece del "
                         f"{fmt.pct(settings.lea_min_pct)}.", figures=figures, evidence=evidence)
