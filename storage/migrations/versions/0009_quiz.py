"""quiz: rounds, answers, per-person question memory; outbox lookup by platform id

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime, JSONType)


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('quiz_rounds',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('user_id', BigId, nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('question_ids', storage.base.JSONType, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('club_round_id', BigId, nullable=True),
    sa.Column('started_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_rounds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_rounds'))
    )
    with op.batch_alter_table('quiz_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_rounds_user_started', ['user_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_rounds_club_round_id'), ['club_round_id'], unique=False)

    op.create_table('quiz_answers',
    sa.Column('id', BigId, autoincrement=True, nullable=False),
    sa.Column('round_id', BigId, nullable=False),
    sa.Column('index', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('option', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('answered_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['quiz_rounds.id'], name=op.f('fk_quiz_answers_round_id_quiz_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_answers')),
    sa.UniqueConstraint('round_id', 'index', name=op.f('uq_quiz_answers_round_id'))
    )
    op.create_table('quiz_question_memory',
    sa.Column('user_id', BigId, nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('box', sa.Integer(), nullable=False),
    sa.Column('due_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('right', sa.Integer(), nullable=False),
    sa.Column('wrong', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_question_memory_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'question_id', name=op.f('pk_quiz_question_memory'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_external', ['channel', 'external_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_external')
    op.drop_table('quiz_question_memory')
    op.drop_table('quiz_answers')
    with op.batch_alter_table('quiz_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_rounds_club_round_id'))
        batch_op.drop_index('ix_quiz_rounds_user_started')
    op.drop_table('quiz_rounds')
