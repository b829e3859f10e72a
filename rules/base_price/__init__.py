"""R-BASE: labour cost and base price (art. 41 c. 13-14 D.Lgs. 36/2023, Ministry tables)."""


def get_rules() -> list[type]:
    from rules.base_price.r_base_1 import R_BASE_1
    from rules.base_price.r_base_2 import R_BASE_2
    from rules.base_price.r_base_3 import R_BASE_3
    from rules.base_price.r_base_4 import R_BASE_4

    return [R_BASE_1, R_BASE_2, R_BASE_3, R_BASE_4]
