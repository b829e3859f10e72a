"""Exceptions the CLI turns into one-line errors with a non-zero exit."""


class ObservatoryError(Exception):
    """Base class: raised when the pipeline cannot go on and the user must act; the message says why."""


class ConfigurationError(ObservatoryError):
    """Raised when a setting, the directory file or a rules configuration file is missing or malformed."""


class DatabaseUnavailableError(ObservatoryError):
    """Raised when DATABASE_URL is malformed or the database cannot be reached."""


class PipelineLockedError(ObservatoryError):
    """Raised when another pipeline run holds the database lock."""


class ReferenceDataError(ConfigurationError):
    """Raised when a shipped or imported reference data file (territory, CCNL registry) is malformed."""
