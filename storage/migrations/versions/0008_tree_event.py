"""trees: a planting may name the cleanup event it was made at

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tree_plantings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_tree_plantings_event_id_events'), 'events', ['event_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('tree_plantings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tree_plantings_event_id_events'), type_='foreignkey')
        batch_op.drop_column('event_id')
