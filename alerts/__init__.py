"""Alerts: Italian digests of new findings to the right Observatory, and the administrators' alerts,
through a transactional outbox (see docs/alerts.md for the exactly-once guarantee)."""
