"""form drafts: one table for the drafts of every form; today's report drafts are carried over

Revision ID: 0004
Revises: 0003

`report_drafts` (one row per user) becomes `form_drafts` (one row per user and form): its rows are
copied as drafts of the form "report" (the JSON keeps its shape) and the old table is dropped. The
downgrade carries the "report" drafts back; drafts of other forms have nowhere to go and are lost.
Plain CREATE, INSERT ... SELECT and DROP: the same on SQLite and PostgreSQL, no batch mode needed.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import storage.base

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _user_id() -> sa.Column:
    return sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False)


def _data_and_time() -> list[sa.Column]:
    return [
        sa.Column('data', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
        sa.Column('updated_at', storage.base.UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('form_drafts',
    _user_id(),
    sa.Column('form', sa.String(length=32), nullable=False),
    *_data_and_time(),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'form', name=op.f('pk_form_drafts'))
    )
    op.execute(
        "INSERT INTO form_drafts (user_id, form, data, updated_at) "
        "SELECT user_id, 'report', data, updated_at FROM report_drafts"
    )
    op.drop_table('report_drafts')


def downgrade() -> None:
    op.create_table('report_drafts',
    _user_id(),
    *_data_and_time(),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_report_drafts'))
    )
    op.execute(
        "INSERT INTO report_drafts (user_id, data, updated_at) "
        "SELECT user_id, data, updated_at FROM form_drafts WHERE form = 'report'"
    )
    op.drop_table('form_drafts')
