"""held files: a file made for one person, kept until they accept it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 07:00:00

Some platforms let a bot save a file for a person only after the person has said yes (Teams' file consent:
the file goes to their OneDrive). The file is made when it is asked for and kept here until then, with only
a hash of the random token the offer carries; it is emptied once delivered and deleted when it expires
(24 hours), whatever happened.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'heldfile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('workspace_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('taken_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_heldfile_expires', 'heldfile', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_heldfile_expires', table_name='heldfile')
    op.drop_table('heldfile')
