"""consents: OXT's written consent to hand a device to another customer (seed §14), and who
agreed to work past the support hours (seed §7(1))

Revision ID: 3d8e2f6a1c47
Revises: 6f571c3a7215
Create Date: 2026-12-02 08:30:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '3d8e2f6a1c47'
down_revision = '6f571c3a7215'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('relocations') as batch:
        batch.add_column(sa.Column('transfer_consented_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('transfer_consent_ref', sa.String(length=100), nullable=True))
    with op.batch_alter_table('repair_calls') as batch:
        batch.add_column(sa.Column('after_hours_consented_by', sa.String(length=100),
                                   nullable=True))
        batch.add_column(sa.Column('after_hours_consented_at', sa.DateTime(timezone=True),
                                   nullable=True))


def downgrade():
    with op.batch_alter_table('repair_calls') as batch:
        batch.drop_column('after_hours_consented_at')
        batch.drop_column('after_hours_consented_by')
    with op.batch_alter_table('relocations') as batch:
        batch.drop_column('transfer_consent_ref')
        batch.drop_column('transfer_consented_on')
