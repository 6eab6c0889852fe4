"""one stored photo per image and incident (a retried upload is not a second photo)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:40:00

"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("incident_photos", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_incident_photos_incident_id"), ["incident_id", "sha256"]
        )


def downgrade():
    with op.batch_alter_table("incident_photos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_incident_photos_incident_id"), type_="unique")
