"""R-ACC: accreditation tariffs (ACCREDITATION.md §6). Rules 1-5 judge a tariff (rules.tariff_engine), rule 6
an act seen by the legislation watch. Severity is at most warning: accreditation acts are not tenders, so
D.Lgs. 36/2023 applies only by analogy."""


def get_rules() -> list[type]:
    from rules.accreditation.r_acc_1 import R_ACC_1
    from rules.accreditation.r_acc_2 import R_ACC_2
    from rules.accreditation.r_acc_3 import R_ACC_3
    from rules.accreditation.r_acc_4 import R_ACC_4
    from rules.accreditation.r_acc_5 import R_ACC_5
    from rules.accreditation.r_acc_6 import R_ACC_6

    return [R_ACC_1, R_ACC_2, R_ACC_3, R_ACC_4, R_ACC_5, R_ACC_6]
