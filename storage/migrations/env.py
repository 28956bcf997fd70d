"""Alembic environment: our SQLModel tables only; tables owned by others are left alone."""

from __future__ import annotations

import os

from alembic import context
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata
OWNED = set(target_metadata.tables)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Autogenerate ignores tables we do not own (Slack OAuth stores, APScheduler jobs)."""
    if type_ == "table":
        return name in OWNED
    return True


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from storage.db import make_engine

        engine = make_engine(os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            include_object=include_object,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # a migration may wait and run longer than a request
                connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
                connection.exec_driver_sql("SET LOCAL lock_timeout = 0")
            context.run_migrations()
        connection.commit()


run_migrations_online()
