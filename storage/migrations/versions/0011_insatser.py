"""insatser, priorities and local risk dates: what the meeting decides

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 02:00:00

Three new tables; nothing existing changes.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('start_week', sa.Integer(), nullable=False),
    sa.Column('end_week', sa.Integer(), nullable=True),
    sa.Column('followup_week', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source_key', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['partner_id'], ['partner.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'source_key', name='uq_insats_source')
    )
    with op.batch_alter_table('insats', schema=None) as batch_op:
        batch_op.create_index('ix_insats_workspace_status', ['workspace_id', 'status'], unique=False)

    op.create_table('priority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('iso_year', sa.Integer(), nullable=False),
    sa.Column('iso_week', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('set_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], ),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.create_index('ix_priority_week', ['workspace_id', 'iso_year', 'iso_week'], unique=False)

    op.create_table('riskdate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('day', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('added_by', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('added_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'day', 'name', name='uq_risk_date')
    )


def downgrade() -> None:
    op.drop_table('riskdate')
    with op.batch_alter_table('priority', schema=None) as batch_op:
        batch_op.drop_index('ix_priority_week')
    op.drop_table('priority')
    with op.batch_alter_table('insats', schema=None) as batch_op:
        batch_op.drop_index('ix_insats_workspace_status')
    op.drop_table('insats')
