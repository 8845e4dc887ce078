"""report photos: up to six JPEGs per work report, sealed by their hashes

Revision ID: 3d8f2a6c1b90
Revises: 3d8e2f6a1c47
Create Date: 2026-12-02 08:05:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '3d8f2a6c1b90'
down_revision = '3d8e2f6a1c47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('before', 'after', 'error_panel')", name=op.f('ck_report_photos_kind')),
    sa.ForeignKeyConstraint(['report_id'], ['work_reports.id'], name=op.f('fk_report_photos_report_id_work_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_photos')),
    sa.UniqueConstraint('report_id', 'position', name=op.f('uq_report_photos_report_id'))
    )
    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_photos_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('report_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_photos_report_id'))

    op.drop_table('report_photos')
