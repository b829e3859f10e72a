"""observatory: the CLI, settings, scheduler and pipeline orchestration of the monitoring pipeline."""

__version__ = "0.1.0"
