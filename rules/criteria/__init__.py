"""R-CRIT: award criteria (art. 108 and 128 D.Lgs. 36/2023)."""


def get_rules() -> list[type]:
    from rules.criteria.r_crit_1 import R_CRIT_1
    from rules.criteria.r_crit_2 import R_CRIT_2
    from rules.criteria.r_crit_3 import R_CRIT_3

    return [R_CRIT_1, R_CRIT_2, R_CRIT_3]
