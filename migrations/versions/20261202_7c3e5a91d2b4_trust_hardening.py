"""trust hardening: session versions, token expiry, the audit hash chain, idempotency keys
per user with a request fingerprint

Revision ID: 7c3e5a91d2b4
Revises: 7b3e1c9d4f20
Create Date: 2026-12-02 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7c3e5a91d2b4'
down_revision = '7b3e1c9d4f20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    # Existing audit rows stay unchained here; the first unit of work that records an event
    # chains them, oldest first (dispatch/services/trust/audit_chain.py).
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('payload_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('scrubbed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_chain_index'),
                                          ['chain_index'])

    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_fingerprint', sa.String(length=64),
                                      nullable=True))
        batch_op.drop_constraint('uq_report_submissions_idempotency_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_report_submissions_user_id'),
                                          ['user_id', 'idempotency_key'])


def downgrade():
    with op.batch_alter_table('report_submissions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_report_submissions_user_id'), type_='unique')
        batch_op.create_unique_constraint('uq_report_submissions_idempotency_key',
                                          ['idempotency_key'])
        batch_op.drop_column('request_fingerprint')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_events_chain_index'), type_='unique')
        batch_op.drop_column('scrubbed_at')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('payload_hash')
        batch_op.drop_column('chain_index')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
