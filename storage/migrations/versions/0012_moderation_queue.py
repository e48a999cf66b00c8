"""moderation queue: the reason a report was rejected, questions to the reporter and their answers

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

import storage.base


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_questions',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
        sa.Column('report_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('asked_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('reporter_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('asked_at', storage.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('answer_text', sa.Text(), nullable=True),
        sa.Column('answer_photo_path', sa.String(length=255), nullable=True),
        sa.Column('answered_at', storage.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_report_questions_asked_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_questions_report_id_reports'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_report_questions_reporter_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_questions')),
    )
    with op.batch_alter_table('report_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_questions_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_questions_reporter_id'), ['reporter_id'], unique=False)
    with op.batch_alter_table('report_triage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reject_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reject_text', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report_triage', schema=None) as batch_op:
        batch_op.drop_column('reject_text')
        batch_op.drop_column('reject_reason')
    with op.batch_alter_table('report_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_questions_reporter_id'))
        batch_op.drop_index(batch_op.f('ix_report_questions_report_id'))
    op.drop_table('report_questions')
