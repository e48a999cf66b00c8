"""events: cleanup events, sign-ups and waitlist, organisers, subscriptions, results

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_organisers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('appointed_by', sa.String(length=96), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_organisers')),
    sa.UniqueConstraint('channel', 'external_id', 'region_code', name=op.f('uq_event_organisers_channel'))
    )
    op.create_table('event_subscriptions',
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_subscriptions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'region_code', name=op.f('pk_event_subscriptions'))
    )
    with op.batch_alter_table('event_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_subscriptions_region_code'), ['region_code'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('district_pcode', sa.String(length=16), nullable=True),
    sa.Column('starts_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('bring', sa.String(length=500), nullable=True),
    sa.Column('organiser_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('results_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Integer(), nullable=True),
    sa.Column('bags', sa.Integer(), nullable=True),
    sa.Column('kilograms', sa.Float(), nullable=True),
    sa.CheckConstraint('capacity >= 1 AND capacity <= 10000', name=op.f('ck_events_capacity_range')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_events_ends_after_start')),
    sa.CheckConstraint('taken >= 0 AND taken <= capacity', name=op.f('ck_events_taken_within_capacity')),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index('ix_events_region_start', ['region_code', 'starts_at'], unique=False)
        batch_op.create_index('ix_events_upcoming_point', ['status', 'latitude', 'longitude', 'ends_at'], unique=False)

    op.create_table('event_bag_claims',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bags', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_bag_claims_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_bag_claims_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_bag_claims')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_bag_claims_event_id'))
    )
    op.create_table('event_photos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('thumb_path', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_event_photos_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_photos_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_photos')),
    sa.UniqueConstraint('event_id', 'sha256', name=op.f('uq_event_photos_event_id'))
    )
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_photos_event_id'), ['event_id'], unique=False)

    op.create_table('event_reports',
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_reports_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_event_reports_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'report_id', name=op.f('pk_event_reports'))
    )
    op.create_table('event_signups',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('event_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('queued_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('reminded_24h_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reminded_2h_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_signups_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_signups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_signups')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_signups_event_id'))
    )
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.create_index('ix_event_signups_queue', ['event_id', 'status', 'queued_at', 'id'], unique=False)
        batch_op.create_index('ix_event_signups_user', ['user_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event_signups', schema=None) as batch_op:
        batch_op.drop_index('ix_event_signups_user')
        batch_op.drop_index('ix_event_signups_queue')

    op.drop_table('event_signups')
    op.drop_table('event_reports')
    with op.batch_alter_table('event_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_photos_event_id'))

    op.drop_table('event_photos')
    op.drop_table('event_bag_claims')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_upcoming_point')
        batch_op.drop_index('ix_events_region_start')
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))

    op.drop_table('events')
    with op.batch_alter_table('event_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_subscriptions_region_code'))

    op.drop_table('event_subscriptions')
    op.drop_table('event_organisers')
