"""audit trail: security-relevant actions, append-only (the database refuses UPDATE and DELETE)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

REFUSAL = 'audit_entries is append-only'


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum('login.succeeded', 'login.failed', 'logout', 'token.issued', 'token.revoked', 'user.created', 'user.updated', 'user.role_changed', 'user.password_changed', 'user.deactivated', 'user.reactivated', 'throttle.triggered', 'join_pin.issued', 'join_pin.locked', 'staff_code.changed', 'school_admin.changed', 'device_request.approved', 'device_request.refused', name='auditaction', native_enum=False, length=24), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_at'), ['at'], unique=False)

    # Append-only, whoever connects: the database refuses UPDATE and DELETE (and, on
    # PostgreSQL, TRUNCATE). Triggers are dialect-specific SQL, so each has its own.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL} (% refused)', TG_OP; END; "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            'CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries '
            'FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()'
        )
        op.execute(
            'CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries '
            'FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change()'
        )
    else:
        for verb in ('UPDATE', 'DELETE'):
            op.execute(
                f'CREATE TRIGGER audit_entries_no_{verb.lower()} BEFORE {verb} ON audit_entries '
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries')
        op.execute('DROP TRIGGER IF EXISTS audit_entries_append_only ON audit_entries')
        op.execute('DROP FUNCTION IF EXISTS audit_entries_refuse_change()')
    else:
        op.execute('DROP TRIGGER IF EXISTS audit_entries_no_delete')
        op.execute('DROP TRIGGER IF EXISTS audit_entries_no_update')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))
    op.drop_table('audit_entries')
