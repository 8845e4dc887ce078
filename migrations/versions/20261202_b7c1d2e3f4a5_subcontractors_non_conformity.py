"""subcontractors, non-conformity claims and rework calls (seed §11, §17.1)

Revision ID: b7c1d2e3f4a5
Revises: 5aafae5e2cf4
Create Date: 2026-12-02 04:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = 'b7c1d2e3f4a5'
down_revision = '5aafae5e2cf4'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table('subcontractors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subcontractors')),
    sa.UniqueConstraint('name', name=op.f('uq_subcontractors_name'))
    )
    with op.batch_alter_table('technicians', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subcontractor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_technicians_subcontractor_id'), ['subcontractor_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_technicians_subcontractor_id_subcontractors'), 'subcontractors', ['subcontractor_id'], ['id'])

    op.create_table('non_conformities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reported_by_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('codes', JSON, nullable=False),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('resolved_by_report_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'resolved', 'refused')", name=op.f('ck_non_conformities_status')),
    sa.ForeignKeyConstraint(['report_id'], ['work_reports.id'], name=op.f('fk_non_conformities_report_id_work_reports')),
    sa.ForeignKeyConstraint(['reported_by_user_id'], ['users.id'], name=op.f('fk_non_conformities_reported_by_user_id_users')),
    sa.ForeignKeyConstraint(['resolved_by_report_id'], ['work_reports.id'], name=op.f('fk_non_conformities_resolved_by_report_id_work_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_non_conformities'))
    )
    with op.batch_alter_table('non_conformities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_non_conformities_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('repair_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('non_conformity_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_repair_calls_non_conformity_id'), ['non_conformity_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_repair_calls_non_conformity_id_non_conformities'), 'non_conformities', ['non_conformity_id'], ['id'])


def downgrade():
    with op.batch_alter_table('repair_calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_repair_calls_non_conformity_id_non_conformities'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_repair_calls_non_conformity_id'))
        batch_op.drop_column('non_conformity_id')
    with op.batch_alter_table('non_conformities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_non_conformities_report_id'))
    op.drop_table('non_conformities')
    with op.batch_alter_table('technicians', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_technicians_subcontractor_id_subcontractors'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_technicians_subcontractor_id'))
        batch_op.drop_column('subcontractor_id')
    op.drop_table('subcontractors')
