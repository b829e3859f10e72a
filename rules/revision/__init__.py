"""R-REV: price revision (art. 60 D.Lgs. 36/2023 before and after D.Lgs. 209/2024; CCNL increases)."""


def get_rules() -> list[type]:
    from rules.revision.r_rev_1 import R_REV_1
    from rules.revision.r_rev_2 import R_REV_2
    from rules.revision.r_rev_3 import R_REV_3
    from rules.revision.r_rev_4 import R_REV_4

    return [R_REV_1, R_REV_2, R_REV_3, R_REV_4]
