"""The Observatories' checks.

* `base.py` — the `Rule` base class and the three-state `Verdict`;
* `<family>/r_<family>_<n>.py` — one rule per file, registered in the family's `get_rules()`
  (`ccnl`, `base_price`, `social`, `revision`, `criteria`, `anomaly`, `payment`, `cas`);
* `registry.py` — the explicit list; `config.py` — defaults and the analysts' overrides file;
* `legal.py` + `data/` — Ministry tables, CCNL registry, profiles, thresholds, CAS prices (validated);
* `scope.py` — which checks apply to a notice; `context.py` — what a rule sees of a notice;
* `engine.py` — `run_rules(session, ...)`: scope, rules, idempotent findings; `tables.py` — table import.
"""
