"""Alerts: Italian digests of new findings to the right Observatory, and the administrators' alerts,
through a transactional outbox (see alerts/README.md for the exactly-once guarantee)."""
