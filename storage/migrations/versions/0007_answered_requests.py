"""answered requests: the answer to a Slack request that changed something, so a retry acts once

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 23:00:00

Slack sends a request again when it did not hear from us in time (and a person may double-click);
the same trigger id then finds the first answer here instead of acting a second time. Rows are
forgotten after a day (commands/admin/retention.py), long after Slack's last retry.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'answeredrequest',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('workspace_id', 'key', name='uq_answered_request'),
    )
    op.create_index('ix_answered_request_at', 'answeredrequest', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_answered_request_at', table_name='answeredrequest')
    op.drop_table('answeredrequest')
