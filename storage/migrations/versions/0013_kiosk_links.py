"""kiosk links: read-only, expiring links to the storbild for a meeting room's screen

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 01:30:00

A coordinator creates a link (chat command `veckolage storbild [dagar]` or the web page) and can
revoke it. The row keeps only a hash of the link's random part; the link is also signed with the
web secret (bot/web/signing.py), so a tampered link is refused before the database is asked.
"""
from alembic import op
import sqlalchemy as sa

import storage.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'kiosklink',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('nonce_hash', sa.String(length=64), nullable=False),
        sa.Column('created_by', sa.String(length=255), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_by', sa.String(length=255), nullable=True),
        sa.Column('revoked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kiosk_workspace', 'kiosklink', ['workspace_id', 'expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_kiosk_workspace', table_name='kiosklink')
    op.drop_table('kiosklink')
