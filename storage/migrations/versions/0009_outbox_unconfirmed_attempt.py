"""outbox: when the last attempt whose answer was lost started, and where its lookup goes on

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 23:00:00

`attempted_at` is set when a worker claims a row and cleared when Slack's answer says for sure what
happened (posted, or refused). While it is set, the row's last post may have landed: the next attempt
first looks for it in the channel, in a window around that moment (bot/jobs/outbox_worker.py), and
`lookup_cursor` keeps the place in that lookup when Slack pages it (15 messages a request for apps
outside the Marketplace).
"""
from alembic import op
import sqlalchemy as sa

import storage.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempted_at', storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lookup_cursor', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_column('lookup_cursor')
        batch_op.drop_column('attempted_at')
