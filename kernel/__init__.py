"""The kernel: what every layer may use and that imports nothing else of ours.

- `settings`: the one module that reads the environment;
- `errors`: the exceptions the CLI turns into one-line errors;
- `territory`: regions, provinces, comuni and NUTS codes (ISTAT data in `data/territory/`);
- `directory`: the Observatories and their recipients (`data/observatories.yaml`);
- `ccnl`: the registry of collective agreements (`data/ccnl.yaml`), shared by extraction and rules;
- `streams`: reading big zipped CSV and JSON-lines files row by row.
"""
