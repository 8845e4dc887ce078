"""outbox messages (rules.md §11)

Revision ID: 7b3e1c9d4f20
Revises: 7c1e4b2d9a60
Create Date: 2026-12-02 04:30:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '7b3e1c9d4f20'
down_revision = '7c1e4b2d9a60'
branch_labels = None
depends_on = None

STATUSES = ("pending", "sending", "sent", "failed", "in_doubt", "suppressed")
KINDS = ("visit_scheduled", "technician_en_route", "report_signed", "signing_link",
         "rework_opened", "registration_completed", "application_reminder", "morning_digest")


def _one_of(values):
    return "IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade():
    op.create_table(
        'outbox_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('dedupe_key', sa.String(length=120), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('locale', sa.String(length=5), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('attachment', sa.JSON().with_variant(
            postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
        sa.Column('customer_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('claim_token', sa.String(length=36), nullable=True),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('status ' + _one_of(STATUSES), name=op.f('ck_outbox_messages_status')),
        sa.CheckConstraint('kind ' + _one_of(KINDS), name=op.f('ck_outbox_messages_kind')),
        sa.ForeignKeyConstraint(['customer_id'], ['customers.id'],
                                name=op.f('fk_outbox_messages_customer_id_customers')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_messages_dedupe_key')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_messages_message_id')),
    )
    op.create_index(op.f('ix_outbox_messages_customer_id'), 'outbox_messages', ['customer_id'])
    op.create_index(op.f('ix_outbox_messages_status'), 'outbox_messages', ['status'])


def downgrade():
    op.drop_index(op.f('ix_outbox_messages_status'), table_name='outbox_messages')
    op.drop_index(op.f('ix_outbox_messages_customer_id'), table_name='outbox_messages')
    op.drop_table('outbox_messages')
