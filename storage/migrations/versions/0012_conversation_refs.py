"""conversation refs: where the bot may write later (a person's 1:1 chat, a channel)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 02:00:00

Teams lets a bot message a person or a channel only through a conversation it was installed in or spoken
to in, at that conversation's service address; the reference is kept here for reminders and for personal
answers to commands given in a channel.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'conversationref',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('conversation_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('team', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column('endpoint', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('platform', 'conversation_id', name='uq_conversation_ref'),
    )
    op.create_index('ix_conversation_ref_user', 'conversationref', ['platform', 'user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_conversation_ref_user', table_name='conversationref')
    op.drop_table('conversationref')
