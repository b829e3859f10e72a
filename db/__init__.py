"""Database layer: models, engine/session factory, query functions and Alembic migrations.

This package imports nothing else of the project (checked by tests/test_packages.py).
"""
