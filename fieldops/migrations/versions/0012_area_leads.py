"""area leads: a school's teachers and staff join with a staff code, bound to campus areas

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:30:00

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # as fieldops.events.services.CODE_ALPHABET


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_code', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint('uq_events_staff_code', ['staff_code'])
    # Every event already there gets its staff code, as a new one does.
    connection = op.get_bind()
    taken = {row[0] for row in connection.execute(sa.text('SELECT enrollment_code FROM events'))}
    for (event_id,) in connection.execute(sa.text('SELECT id FROM events')).fetchall():
        code = ''
        while not code or code in taken:
            code = ''.join(secrets.choice(ALPHABET) for _ in range(6))
        taken.add(code)
        connection.execute(sa.text('UPDATE events SET staff_code = :c WHERE id = :i'), {'c': code, 'i': event_id})

    op.create_table('area_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_ids', sa.JSON(), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'user_id')
    )
    with op.batch_alter_table('area_leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_leads_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('area_leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_leads_event_id'))
    op.drop_table('area_leads')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint('uq_events_staff_code', type_='unique')
        batch_op.drop_column('staff_code')
