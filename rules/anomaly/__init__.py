"""R-ANOM: anomalous offers (art. 110 D.Lgs. 36/2023) and award data."""


def get_rules() -> list[type]:
    from rules.anomaly.r_anom_1 import R_ANOM_1
    from rules.anomaly.r_anom_2 import R_ANOM_2

    return [R_ANOM_1, R_ANOM_2]
