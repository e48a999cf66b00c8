"""public photos: blurred public copies of photos and moderators' blur reviews

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime, JSONType)


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('public_photos',
    sa.Column('original_path', sa.String(length=255), nullable=False),
    sa.Column('public_path', sa.String(length=255), nullable=False),
    sa.Column('found', storage.base.JSONType, nullable=False),
    sa.Column('extra', storage.base.JSONType, nullable=False),
    sa.Column('whole', sa.Boolean(), nullable=False),
    sa.Column('made_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('original_path', name=op.f('pk_public_photos'))
    )
    op.create_table('photo_blur_reviews',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('original_path', sa.String(length=255), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('box', storage.base.JSONType, nullable=True),
    sa.Column('by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_photo_blur_reviews_report_id_reports'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_photo_blur_reviews_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_blur_reviews'))
    )
    with op.batch_alter_table('photo_blur_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photo_blur_reviews_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo_blur_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photo_blur_reviews_report_id'))
    op.drop_table('photo_blur_reviews')
    op.drop_table('public_photos')
