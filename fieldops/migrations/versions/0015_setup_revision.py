"""setup revision: numbers each version of an event's set-up (details, course, posts, campus)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('setup_revision', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('setup_revision')
