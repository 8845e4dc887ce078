"""purchase proof on devices, price on packs

Revision ID: 7c1e4b2d9a60
Revises: b7c1d2e3f4a5
Create Date: 2026-12-02 04:30:00

"""
from alembic import op
import sqlalchemy as sa

revision = '7c1e4b2d9a60'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite adds CHECK constraints only by rebuilding the table.
    with op.batch_alter_table('devices') as batch:
        batch.add_column(sa.Column('purchase_proof', sa.String(length=16), nullable=True))
        batch.create_check_constraint(
            'purchase_proof',
            "purchase_proof IN ('warranty_card', 'receipt', 'delivery_note')")
        batch.create_check_constraint(
            'proof_has_date', 'purchase_proof IS NULL OR purchase_date IS NOT NULL')
    with op.batch_alter_table('packs') as batch:
        batch.add_column(sa.Column('price_yen', sa.Integer(), nullable=True))
        batch.create_check_constraint('price_yen', 'price_yen IS NULL OR price_yen >= 0')


def downgrade():
    with op.batch_alter_table('packs') as batch:
        batch.drop_constraint('price_yen', type_='check')
        batch.drop_column('price_yen')
    with op.batch_alter_table('devices') as batch:
        batch.drop_constraint('proof_has_date', type_='check')
        batch.drop_constraint('purchase_proof', type_='check')
        batch.drop_column('purchase_proof')
