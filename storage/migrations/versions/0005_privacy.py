"""privacy: usage counters by salted identity hash, secrets the bot makes for itself

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('usage_counters',
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('window_start', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('subject', 'kind', 'window_start', name=op.f('pk_usage_counters'))
    )
    op.create_table('app_secrets',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=128), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_app_secrets'))
    )


def downgrade() -> None:
    op.drop_table('app_secrets')
    op.drop_table('usage_counters')
