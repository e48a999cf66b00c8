"""eco-points: the ledger and each person's points settings; indexes for /stats

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('points_ledger',
    sa.Column('id', BIG, autoincrement=True, nullable=False),
    sa.Column('user_id', BIG, nullable=False),
    sa.Column('deed', sa.String(length=24), nullable=False),
    sa.Column('ref', sa.String(length=32), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_ledger_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_ledger')),
    sa.UniqueConstraint('user_id', 'deed', 'ref', 'seq', name=op.f('uq_points_ledger_user_id')),
    )
    op.create_index('ix_points_ledger_user_created', 'points_ledger', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_points_ledger_region_created', 'points_ledger', ['region_code', 'created_at'], unique=False)
    op.create_index('ix_points_ledger_created', 'points_ledger', ['created_at'], unique=False)
    op.create_index('ix_reports_created', 'reports', ['created_at'], unique=False)
    op.create_index('ix_reports_status_created', 'reports', ['status', 'created_at'], unique=False)
    op.create_index('ix_report_triage_cleaned', 'report_triage', ['cleaned_at', 'report_id'], unique=False)
    op.create_table('points_settings',
    sa.Column('user_id', BIG, nullable=False),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('badge', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_points_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_points_settings')),
    )


def downgrade() -> None:
    op.drop_table('points_settings')
    op.drop_index('ix_report_triage_cleaned', table_name='report_triage')
    op.drop_index('ix_reports_status_created', table_name='reports')
    op.drop_index('ix_reports_created', table_name='reports')
    op.drop_index('ix_points_ledger_created', table_name='points_ledger')
    op.drop_index('ix_points_ledger_region_created', table_name='points_ledger')
    op.drop_index('ix_points_ledger_user_created', table_name='points_ledger')
    op.drop_table('points_ledger')
