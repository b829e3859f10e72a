"""R-CAS: reception centres for asylum seekers (Interior Ministry schema di capitolato)."""


def get_rules() -> list[type]:
    from rules.cas.r_cas_1 import R_CAS_1
    from rules.cas.r_cas_2 import R_CAS_2
    from rules.cas.r_cas_3 import R_CAS_3

    return [R_CAS_1, R_CAS_2, R_CAS_3]
