"""wide ids: every chat platform's id of a person, room, team or message fits in 255 characters

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 00:00:00

The id columns were sized for Slack (`U0123ABCD`, 32 wide). A Matrix user id such as
`@samordnare.est:matrix.hasselby-vallingby.stockholm.se` is 54 characters, room and event ids 44, and
Teams conversation ids run past 80; a Matrix id may be 255. Keys and audit subjects that embed an id
(outbox keys such as `reminder.dm:<workspace>:<user>:<week>:<slot>`) grow to 512.

PostgreSQL: ALTER COLUMN … TYPE VARCHAR(n), in place (widening a VARCHAR rewrites no rows). SQLite
ignores a VARCHAR's length, so nothing is done there: no `batch_alter_table`, which would recreate the
area, partner, member and rolegrant tables and drop the setup-version triggers of migration 0005.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

ID, KEY = 255, 512
# (table, column, width before, width after)
COLUMNS = (
    ("workspace", "key", 64, ID),
    ("workspace", "summary_channel", 32, ID),
    ("workspace", "alert_channel", 32, ID),
    ("member", "user_id", 32, ID),
    ("member", "user_team", 32, ID),
    ("rolegrant", "user_id", 32, ID),
    ("rating", "reported_by", 32, ID),
    ("agreedlevel", "set_by", 32, ID),
    ("auditentry", "actor", 32, ID),
    ("auditentry", "subject", 200, KEY),
    ("event", "reported_by", 32, ID),
    ("event", "acknowledged_by", 32, ID),
    ("event", "withdrawn_by", 32, ID),
    ("event", "alert_channel", 32, ID),
    ("event", "alert_ts", 32, ID),
    ("event", "source_key", 200, KEY),
    ("outboxmessage", "key", 200, KEY),
    ("outboxmessage", "channel", 32, ID),
    ("outboxmessage", "ts", 32, ID),
    ("skippedweek", "skipped_by", 32, ID),
    ("remindermute", "user_id", 32, ID),
    ("answeredrequest", "key", 200, KEY),
)


def _alter(widths: dict[tuple[str, str], int]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite does not enforce a VARCHAR's length (see the docstring)
    for (table, column), width in widths.items():
        op.alter_column(table, column, type_=sa.String(width))


def upgrade() -> None:
    _alter({(table, column): after for table, column, _, after in COLUMNS})


def downgrade() -> None:
    # Fails on PostgreSQL when a longer id is stored: narrowing would cut it, and nothing may be lost.
    _alter({(table, column): before for table, column, before, _ in COLUMNS})
