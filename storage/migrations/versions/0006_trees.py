"""trees: plantings, captures, check-ins, certificate names

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('tree_certificate_names',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tree_certificate_names_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_tree_certificate_names'))
    )
    op.create_table('tree_plantings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('owner_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('species', sa.String(length=16), nullable=False),
    sa.Column('species_name', sa.String(length=60), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('planted_on', sa.Date(), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('district_pcode', sa.String(length=16), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('location_source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_tree_plantings_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_plantings'))
    )
    with op.batch_alter_table('tree_plantings', schema=None) as batch_op:
        batch_op.create_index('ix_tree_plantings_owner', ['owner_id', 'planted_on'], unique=False)
        batch_op.create_index('ix_tree_plantings_region', ['region_code', 'planted_on'], unique=False)

    op.create_table('tree_captures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('planting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('captured_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('alive', sa.Integer(), nullable=True),
    sa.Column('photo_path', sa.String(length=255), nullable=True),
    sa.Column('thumb_path', sa.String(length=255), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('added_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_tree_captures_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['planting_id'], ['tree_plantings.id'], name=op.f('fk_tree_captures_planting_id_tree_plantings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_captures'))
    )
    with op.batch_alter_table('tree_captures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tree_captures_planting_id'), ['planting_id'], unique=False)

    op.create_table('tree_checkins',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('planting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('asked_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_asked_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('remind_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expired_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['planting_id'], ['tree_plantings.id'], name=op.f('fk_tree_checkins_planting_id_tree_plantings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tree_checkins')),
    sa.UniqueConstraint('planting_id', 'months', name=op.f('uq_tree_checkins_planting_id'))
    )
    with op.batch_alter_table('tree_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tree_checkins_last_asked_at'), ['last_asked_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_tree_checkins_remind_at'), ['remind_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tree_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tree_checkins_remind_at'))
        batch_op.drop_index(batch_op.f('ix_tree_checkins_last_asked_at'))

    op.drop_table('tree_checkins')
    with op.batch_alter_table('tree_captures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tree_captures_planting_id'))

    op.drop_table('tree_captures')
    with op.batch_alter_table('tree_plantings', schema=None) as batch_op:
        batch_op.drop_index('ix_tree_plantings_region')
        batch_op.drop_index('ix_tree_plantings_owner')

    op.drop_table('tree_plantings')
    op.drop_table('tree_certificate_names')
