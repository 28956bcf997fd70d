"""person names: the name a chat platform showed for a person when they last wrote to the bot

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 07:30:00

Teams names people by Entra object ids (GUIDs); a reply that mentions someone shows the display name Teams
last sent with their activity instead. Names not seen within the collaboration's retention are forgotten by
the daily job.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.types


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'personname',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('seen_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workspace_id', 'platform', 'user_id', name='uq_person_name'),
    )


def downgrade() -> None:
    op.drop_table('personname')
