"""Storage: SQLModel tables, engine and sessions, query functions and Alembic migrations."""
