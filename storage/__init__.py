"""Persistence: SQLAlchemy models, engine and sessions, small repositories and Alembic migrations.

Nothing here imports from bot/, handlers/ or jobs/.
"""
