"""setup version: a counter the database bumps whenever areas, partners, members or roles change

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 10:05:00

Each process caches who reports for which partner, who holds which role and the active areas
(storage/queries/directory.py) and reads `workspace.setup_version` on every request to know whether that
cache is current. Triggers keep the counter honest for every writer: the admin commands, the set-up
sync, `config import`, or SQL typed by hand.

SQLite note: a later `batch_alter_table` on one of the four tables recreates it and drops its
triggers; such a migration must create them again (tests/test_directory.py checks that they work).
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ("area", "partner", "member", "rolegrant")

POSTGRES_FUNCTION = """
CREATE FUNCTION veckolage_bump_setup_version() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE workspace SET setup_version = setup_version + 1 WHERE id = OLD.workspace_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE workspace SET setup_version = setup_version + 1
        WHERE id = NEW.workspace_id AND (TG_OP = 'INSERT' OR NEW.workspace_id <> OLD.workspace_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_version', sa.BigInteger(), nullable=False, server_default='0'))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_setup_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION veckolage_bump_setup_version()")
        return
    for table in TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
            also = " OR id = NEW.workspace_id" if event == "UPDATE" else ""
            op.execute(f"CREATE TRIGGER {table}_setup_version_{event.lower()} AFTER {event} ON {table} "
                       f"BEGIN UPDATE workspace SET setup_version = setup_version + 1 "
                       f"WHERE id = {row}.workspace_id{also}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_setup_version ON {table}")
        op.execute("DROP FUNCTION veckolage_bump_setup_version()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_setup_version_{event}")
    with op.batch_alter_table('workspace', schema=None) as batch_op:
        batch_op.drop_column('setup_version')
