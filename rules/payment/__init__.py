"""R-PAY: payment terms and the authority's payment timeliness (D.Lgs. 231/2002; art. 33 D.Lgs. 33/2013)."""


def get_rules() -> list[type]:
    from rules.payment.r_pay_1 import R_PAY_1
    from rules.payment.r_pay_2 import R_PAY_2
    from rules.payment.r_pay_3 import R_PAY_3

    return [R_PAY_1, R_PAY_2, R_PAY_3]
