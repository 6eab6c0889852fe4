"""drills: Standard Response Protocol drills and real responses, and each area's reports

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drills',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.Enum('hold', 'secure', 'lockdown', 'evacuate', 'shelter', name='drillaction', native_enum=False, length=24), nullable=False),
    sa.Column('mode', sa.Enum('drill', 'real', name='drillmode', native_enum=False, length=24), nullable=False),
    sa.Column('hazard', sa.Enum('tornado', 'hazmat', 'earthquake', 'tsunami', 'other', name='hazard', native_enum=False, length=24), nullable=True),
    sa.Column('areas', sa.JSON(), nullable=False),
    sa.Column('whole_campus', sa.Boolean(), nullable=False),
    sa.Column('assembly_point_id', sa.Integer(), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('concluded_by_id', sa.Integer(), nullable=True),
    sa.Column('concluded_at', sa.DateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assembly_point_id'], ['campus_features.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['concluded_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'client_id')
    )
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drills_event_id'), ['event_id'], unique=False)

    op.create_table('drill_area_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('area_name', sa.String(length=80), nullable=False),
    sa.Column('state', sa.Enum('secured', 'evacuated', 'problem', name='areastate', native_enum=False, length=24), nullable=False),
    sa.Column('accounted', sa.Integer(), nullable=False),
    sa.Column('missing', sa.Integer(), nullable=False),
    sa.Column('extra', sa.Integer(), nullable=False),
    sa.Column('injured', sa.Integer(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('assembly_point_id', sa.Integer(), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('drill_id', 'client_id')
    )
    with op.batch_alter_table('drill_area_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_area_reports_drill_id'), ['drill_id'], unique=False)


def downgrade():
    with op.batch_alter_table('drill_area_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_area_reports_drill_id'))
    op.drop_table('drill_area_reports')
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drills_event_id'))
    op.drop_table('drills')
