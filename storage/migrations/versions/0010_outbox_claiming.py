"""outbox claiming: an index for holding one workspace's pending rows after a rate limit

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 23:00:00

When Slack answers 429 for one workspace, the deliverer moves that workspace's pending rows to
Slack's Retry-After in one UPDATE (storage/outbox.py `hold`), which every delivery process sees.
With a week's reminders for a thousand workspaces in the table, that UPDATE must not scan it.
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_workspace', ['workspace_id', 'status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_workspace')
