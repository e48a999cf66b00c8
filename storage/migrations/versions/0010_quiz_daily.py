"""quiz: the daily question's subscriptions

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quiz_subscriptions',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('last_sent_on', sa.Date(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hour >= 0 AND hour <= 23', name=op.f('ck_quiz_subscriptions_hour_of_day')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_quiz_subscriptions'))
    )
    with op.batch_alter_table('quiz_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_subscriptions_due', ['active', 'hour', 'last_sent_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quiz_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_subscriptions_due')

    op.drop_table('quiz_subscriptions')
