"""partner short name: the column head in the grid's table (`short = "Polis"` in veckolage.toml)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 23:00:00

A plain ADD COLUMN on both databases: no batch mode, so SQLite keeps the partner table and the
setup-version triggers of 0005.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('partner', sa.Column('short', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column('partner', 'short')  # SQLite 3.35+ drops a column in place, keeping the triggers
