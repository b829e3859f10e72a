"""R-CCNL: the collective agreement the tender names (art. 11 D.Lgs. 36/2023)."""


def get_rules() -> list[type]:
    from rules.ccnl.r_ccnl_1 import R_CCNL_1
    from rules.ccnl.r_ccnl_2 import R_CCNL_2
    from rules.ccnl.r_ccnl_3 import R_CCNL_3
    from rules.ccnl.r_ccnl_4 import R_CCNL_4

    return [R_CCNL_1, R_CCNL_2, R_CCNL_3, R_CCNL_4]
