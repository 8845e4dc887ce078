"""plan job regions: a national day's regions solved as tasks of their own, then merged

Revision ID: a3f9c2d18e47
Revises: 3d8f2a6c1b90
Create Date: 2026-12-02 08:05:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'a3f9c2d18e47'
down_revision = '3d8f2a6c1b90'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regions_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('regions_done', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('work', JSON, nullable=True))
    op.create_table('plan_job_regions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('region_no', sa.Integer(), nullable=False),
    sa.Column('problem', JSON, nullable=False),
    sa.Column('answer', JSON, nullable=True),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['plan_jobs.id'], name=op.f('fk_plan_job_regions_job_id_plan_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_job_regions')),
    sa.UniqueConstraint('job_id', 'region_no', name='uq_plan_job_regions_job_region')
    )


def downgrade():
    op.drop_table('plan_job_regions')
    with op.batch_alter_table('plan_jobs', schema=None) as batch_op:
        batch_op.drop_column('work')
        batch_op.drop_column('regions_done')
        batch_op.drop_column('regions_total')
