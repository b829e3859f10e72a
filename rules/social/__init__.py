"""R-SOC: social clauses (art. 57 D.Lgs. 36/2023; art. 37 CCNL Cooperative sociali)."""


def get_rules() -> list[type]:
    from rules.social.r_soc_1 import R_SOC_1
    from rules.social.r_soc_2 import R_SOC_2
    from rules.social.r_soc_3 import R_SOC_3

    return [R_SOC_1, R_SOC_2, R_SOC_3]
