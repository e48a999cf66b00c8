"""detected sites: sites found from space to verify, citizens' verifications, shared locations;
reports get their origin (citizen or satellite) and the urgent mark (fire, smoke, spill)

Revision ID: 0017
Revises: 0016
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), nullable=False, server_default='citizen'))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('detected_sites',
    sa.Column('report_id', BIG_ID, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.String(length=128), nullable=False),
    sa.Column('detected_on', sa.Date(), nullable=True),
    sa.Column('area_m2', sa.Float(), nullable=True),
    sa.Column('here_count', sa.Integer(), nullable=False),
    sa.Column('nothing_count', sa.Integer(), nullable=False),
    sa.Column('imported_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_detected_sites_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', name=op.f('pk_detected_sites')),
    sa.UniqueConstraint('source', 'source_id', name=op.f('uq_detected_sites_source'))
    )
    op.create_table('site_verifications',
    sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
    sa.Column('report_id', BIG_ID, nullable=False),
    sa.Column('user_id', BIG_ID, nullable=True),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_site_verifications_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_site_verifications_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_verifications')),
    sa.UniqueConstraint('report_id', 'user_id', name=op.f('uq_site_verifications_report_id'))
    )
    with op.batch_alter_table('site_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_verifications_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_verifications_user_id'), ['user_id'], unique=False)
    op.create_table('site_verifiers',
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('last_invited_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_site_id', BIG_ID, nullable=True),
    sa.Column('opted_out_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_site_verifiers_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['last_site_id'], ['reports.id'], name=op.f('fk_site_verifiers_last_site_id_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_site_verifiers'))
    )
    op.create_table('shared_locations',
    sa.Column('user_id', BIG_ID, nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('shared_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shared_locations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_shared_locations'))
    )
    with op.batch_alter_table('shared_locations', schema=None) as batch_op:
        batch_op.create_index('ix_shared_locations_shared_at', ['shared_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('shared_locations', schema=None) as batch_op:
        batch_op.drop_index('ix_shared_locations_shared_at')
    op.drop_table('shared_locations')
    op.drop_table('site_verifiers')
    with op.batch_alter_table('site_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_verifications_user_id'))
        batch_op.drop_index(batch_op.f('ix_site_verifications_report_id'))
    op.drop_table('site_verifications')
    op.drop_table('detected_sites')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('urgent')
        batch_op.drop_column('origin')
