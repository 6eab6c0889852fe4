"""officer minutes: per officer and minute, whether their fixes were inside or outside their post

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('officer_minutes',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('minute', sa.DateTime(), nullable=False),
    sa.Column('inside', sa.Boolean(), nullable=False),
    sa.Column('outside', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'officer_id', 'minute'),
    sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table('officer_minutes')
