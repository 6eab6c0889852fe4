"""students: incidents that involve students, their records kept apart, the access log, and
a school's designated administrator

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('involves_students', sa.Boolean(), server_default='0', nullable=False))
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_admin_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_events_school_admin_id_users', 'users', ['school_admin_id'], ['id'], ondelete='SET NULL')

    op.create_table('student_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('grade', sa.String(length=20), nullable=False),
    sa.Column('role_in_incident', sa.String(length=40), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('guardian_contacted_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('student_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_records_incident_id'), ['incident_id'], unique=False)

    op.create_table('student_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('student_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_student_access_log_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('student_access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_access_log_event_id'))
    op.drop_table('student_access_log')
    with op.batch_alter_table('student_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_student_records_incident_id'))
    op.drop_table('student_records')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('fk_events_school_admin_id_users', type_='foreignkey')
        batch_op.drop_column('school_admin_id')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_column('involves_students')
