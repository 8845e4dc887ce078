"""plan jobs: background plans of a service date (one running, one queued per date)

Revision ID: 6f571c3a7215
Revises: 7c3e5a91d2b4
Create Date: 2026-12-02 04:35:58.688292

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '6f571c3a7215'
down_revision = '7c3e5a91d2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by', sa.String(length=254), nullable=False),
    sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('budget_s', sa.Double(), nullable=True),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('error_status', sa.Integer(), nullable=True),
    sa.Column('error_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_plan_jobs_status')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_jobs_plan_id_plans')),
    sa.ForeignKeyConstraint(['requested_by_user_id'], ['users.id'], name=op.f('fk_plan_jobs_requested_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_jobs'))
    )
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_jobs_service_date'), ['service_date'], unique=False)
        batch_op.create_index('uq_plan_jobs_queued_date', ['service_date'], unique=True, sqlite_where=sa.text("status = 'queued'"), postgresql_where=sa.text("status = 'queued'"))
        batch_op.create_index('uq_plan_jobs_running_date', ['service_date'], unique=True, sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))



def downgrade():
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_plan_jobs_running_date', sqlite_where=sa.text("status = 'running'"), postgresql_where=sa.text("status = 'running'"))
        batch_op.drop_index('uq_plan_jobs_queued_date', sqlite_where=sa.text("status = 'queued'"), postgresql_where=sa.text("status = 'queued'"))
        batch_op.drop_index(batch_op.f('ix_plan_jobs_service_date'))

    op.drop_table('plan_jobs')
