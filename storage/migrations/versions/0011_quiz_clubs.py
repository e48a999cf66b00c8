"""quiz clubs: clubs, members, club rounds

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

import storage.base  # noqa: F401  (UTCDateTime)


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quiz_clubs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('institution', sa.String(length=120), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('leader_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('join_code', sa.String(length=6), nullable=False),
    sa.Column('code_expires_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', storage.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_quiz_clubs_leader_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_clubs')),
    sa.UniqueConstraint('join_code', name=op.f('uq_quiz_clubs_join_code'))
    )
    with op.batch_alter_table('quiz_clubs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_clubs_leader_id'), ['leader_id'], unique=False)

    op.create_table('quiz_club_members',
    sa.Column('club_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('show_name', sa.Boolean(), nullable=False),
    sa.Column('joined_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['quiz_clubs.id'], name=op.f('fk_quiz_club_members_club_id_quiz_clubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_club_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('club_id', 'user_id', name=op.f('pk_quiz_club_members')),
    sa.UniqueConstraint('club_id', 'number', name=op.f('uq_quiz_club_members_club_id'))
    )
    with op.batch_alter_table('quiz_club_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_club_members_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_club_rounds',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('club_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=True),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('deadline', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['quiz_clubs.id'], name=op.f('fk_quiz_club_rounds_club_id_quiz_clubs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_quiz_club_rounds_started_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_club_rounds'))
    )
    with op.batch_alter_table('quiz_club_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_club_rounds_club_deadline', ['club_id', 'deadline'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quiz_club_rounds', schema=None) as batch_op:
        batch_op.drop_index('ix_quiz_club_rounds_club_deadline')

    op.drop_table('quiz_club_rounds')
    with op.batch_alter_table('quiz_club_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_club_members_user_id'))

    op.drop_table('quiz_club_members')
    with op.batch_alter_table('quiz_clubs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_clubs_leader_id'))

    op.drop_table('quiz_clubs')
