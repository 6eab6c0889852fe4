"""campus: a school's buildings and areas, exits and assembly points

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campus_features',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('building', 'area', 'exit', 'assembly', name='featurekind', native_enum=False, length=24), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('polygon', sa.JSON(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campus_features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campus_features_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('campus_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campus_features_event_id'))
    op.drop_table('campus_features')
