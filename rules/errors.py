"""Errors of the rules package (the CLI prints them as one line and exits 2)."""

from kernel.errors import ConfigurationError


class LegalDataError(ConfigurationError):
    """Raised when a legal data file (Ministry table, CCNL registry, thresholds) is missing or malformed."""


class RulesConfigError(ConfigurationError):
    """Raised when the rules configuration names an unknown rule or key, or a value of the wrong type."""


class NoticeInputError(ConfigurationError):
    """Raised when a notice given to `rules check` is not in the documented shape."""
