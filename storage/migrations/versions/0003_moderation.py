"""moderation: moderator roles and chats, triage times, internal notes, follow-up photos

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_runs',
    sa.Column('job', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('done_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('job', 'key', name=op.f('pk_job_runs'))
    )
    op.create_table('moderator_chats',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=128), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('bound_by', sa.String(length=96), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_chats')),
    sa.UniqueConstraint('region_code', 'channel', 'chat_id', name=op.f('uq_moderator_chats_region_code'))
    )
    with op.batch_alter_table('moderator_chats', schema=None) as batch_op:
        batch_op.create_index('ix_moderator_chats_chat', ['channel', 'chat_id'], unique=False)

    op.create_table('moderator_roles',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('region_code', sa.String(length=16), nullable=False),
    sa.Column('appointed_by', sa.String(length=96), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_roles')),
    sa.UniqueConstraint('channel', 'external_id', 'region_code', name=op.f('uq_moderator_roles_channel'))
    )
    with op.batch_alter_table('moderator_roles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderator_roles_region_code'), ['region_code'], unique=False)

    op.create_table('report_follow_up_photos',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('thumb_path', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('added_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_report_follow_up_photos_added_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_follow_up_photos_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_follow_up_photos'))
    )
    with op.batch_alter_table('report_follow_up_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_follow_up_photos_report_id'), ['report_id'], unique=False)

    op.create_table('report_notes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('author_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_report_notes_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_notes_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_notes'))
    )
    with op.batch_alter_table('report_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_notes_report_id'), ['report_id'], unique=False)

    op.create_table('report_triage',
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('national', sa.Boolean(), nullable=False),
    sa.Column('queued_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalated_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('still_there_asked_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cleaned_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('disputes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_triage_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_report_triage'))
    )
    with op.batch_alter_table('report_triage', schema=None) as batch_op:
        batch_op.create_index('ix_report_triage_queued', ['queued_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('report_triage', schema=None) as batch_op:
        batch_op.drop_index('ix_report_triage_queued')

    op.drop_table('report_triage')
    with op.batch_alter_table('report_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_notes_report_id'))

    op.drop_table('report_notes')
    with op.batch_alter_table('report_follow_up_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_follow_up_photos_report_id'))

    op.drop_table('report_follow_up_photos')
    with op.batch_alter_table('moderator_roles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderator_roles_region_code'))

    op.drop_table('moderator_roles')
    with op.batch_alter_table('moderator_chats', schema=None) as batch_op:
        batch_op.drop_index('ix_moderator_chats_chat')

    op.drop_table('moderator_chats')
    op.drop_table('job_runs')
