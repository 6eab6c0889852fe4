"""proactive work: an officer's safety walks, conversations and classes at a school

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proactive_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('safety_walk', 'conversation', 'programme', name='workkind', native_enum=False, length=24), nullable=False),
    sa.Column('topic', sa.Enum('student', 'parent', 'staff', 'drug_awareness', 'internet_safety', 'bullying_prevention', 'other', name='topic', native_enum=False, length=24), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.Column('attendees', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('logged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['officer_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('officer_id', 'client_id')
    )
    with op.batch_alter_table('proactive_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proactive_entries_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proactive_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proactive_entries_event_id'))
    op.drop_table('proactive_entries')
