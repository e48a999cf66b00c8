"""handover targets, deliveries, API keys and writes

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    op.create_table('handover_targets',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('district_pcode', sa.String(length=16), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=512), nullable=False),
    sa.Column('api_key', sa.String(length=256), nullable=True),
    sa.Column('service_code', sa.String(length=64), nullable=True),
    sa.Column('jurisdiction_id', sa.String(length=64), nullable=True),
    sa.Column('has_updates', sa.Boolean(), nullable=False),
    sa.Column('email_mode', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('pulled_until', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=96), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_targets'))
    )
    with op.batch_alter_table('handover_targets', schema=None) as batch_op:
        batch_op.create_index('ix_handover_targets_region', ['region_code', 'district_pcode'], unique=False)

    op.create_table('api_writes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('api_key_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('token', sa.String(length=32), nullable=True),
    sa.Column('outcome', sa.String(length=200), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_api_writes_api_key_id_api_keys'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_api_writes_report_id_reports'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_writes')),
    sa.UniqueConstraint('token', name=op.f('uq_api_writes_token'))
    )
    with op.batch_alter_table('api_writes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_writes_api_key_id'), ['api_key_id'], unique=False)

    op.create_table('handover_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('target_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_attempt_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('external_id', sa.String(length=128), nullable=True),
    sa.Column('token', sa.String(length=128), nullable=True),
    sa.Column('remote_status', sa.String(length=64), nullable=True),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_handover_deliveries_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['handover_targets.id'], name=op.f('fk_handover_deliveries_target_id_handover_targets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_deliveries')),
    sa.UniqueConstraint('report_id', 'target_id', name=op.f('uq_handover_deliveries_report_id'))
    )
    with op.batch_alter_table('handover_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_handover_deliveries_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_handover_deliveries_external', ['target_id', 'external_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_deliveries_target_id'), ['target_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('handover_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_deliveries_target_id'))
        batch_op.drop_index('ix_handover_deliveries_external')
        batch_op.drop_index('ix_handover_deliveries_due')

    op.drop_table('handover_deliveries')
    with op.batch_alter_table('api_writes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_writes_api_key_id'))

    op.drop_table('api_writes')
    with op.batch_alter_table('handover_targets', schema=None) as batch_op:
        batch_op.drop_index('ix_handover_targets_region')

    op.drop_table('handover_targets')
    op.drop_table('api_keys')
