"""initial schema

Revision ID: 5aafae5e2cf4
Revises: 
Create Date: 2026-11-26 08:14:38.453705

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '5aafae5e2cf4'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('use_stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('terminated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('termination_reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers'))
    )
    op.create_table('island_areas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name_ja', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('prefecture', sa.String(length=20), nullable=False),
    sa.Column('geometry', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_island_areas')),
    sa.UniqueConstraint('code', name=op.f('uq_island_areas_code'))
    )
    op.create_table('job_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_name', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_runs')),
    sa.UniqueConstraint('job_name', 'day', name='uq_job_run_day')
    )
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts'))
    )
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_login_attempts_email_at', ['email', 'at'], unique=False)

    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('problem', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('solution', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_service_date'), ['service_date'], unique=False)

    op.create_table('printer_models',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('series', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('lifetime_years', sa.Integer(), nullable=False),
    sa.Column('warranty_months', sa.Integer(), nullable=False),
    sa.Column('print_limit', sa.Integer(), nullable=True),
    sa.Column('packs_offered', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('service_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('printer', 'option')", name=op.f('ck_printer_models_kind')),
    sa.CheckConstraint("series IN ('COREFIDO', 'VINCI', 'other')", name=op.f('ck_printer_models_series')),
    sa.CheckConstraint('lifetime_years BETWEEN 1 AND 20', name=op.f('ck_printer_models_lifetime_years')),
    sa.CheckConstraint('print_limit IS NULL OR print_limit > 0', name=op.f('ck_printer_models_print_limit')),
    sa.CheckConstraint('warranty_months BETWEEN 0 AND 240', name=op.f('ck_printer_models_warranty_months')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_printer_models')),
    sa.UniqueConstraint('code', name=op.f('uq_printer_models_code'))
    )
    op.create_table('service_bases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('lat', sa.Double(), nullable=False),
    sa.Column('lon', sa.Double(), nullable=False),
    sa.Column('service_radius_km', sa.Double(), nullable=False),
    sa.Column('same_day_radius_km', sa.Double(), nullable=False),
    sa.CheckConstraint('lat BETWEEN -90 AND 90', name=op.f('ck_service_bases_lat')),
    sa.CheckConstraint('lon BETWEEN -180 AND 180', name=op.f('ck_service_bases_lon')),
    sa.CheckConstraint('same_day_radius_km >= 0 AND same_day_radius_km <= service_radius_km', name=op.f('ck_service_bases_same_day_radius')),
    sa.CheckConstraint('service_radius_km > 0', name=op.f('ck_service_bases_service_radius')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_bases')),
    sa.UniqueConstraint('code', name=op.f('uq_service_bases_code'))
    )
    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('public_key_b64', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('key_id', name=op.f('uq_signing_keys_key_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=True),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('is_enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'coordinator', 'technician', 'site_manager')", name=op.f('ck_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_audit_events_actor_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)

    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor_label', sa.String(length=120), nullable=False),
    sa.CheckConstraint("kind IN ('export', 'correction', 'stop_use', 'erasure')", name=op.f('ck_privacy_requests_kind')),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_privacy_requests_actor_user_id_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_privacy_requests_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests'))
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_customer_id'), ['customer_id'], unique=False)

    op.create_table('report_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('response', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_submissions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_submissions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_report_submissions_idempotency_key'))
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=400), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=True),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('manager_name', sa.String(length=120), nullable=False),
    sa.Column('manager_email', sa.String(length=254), nullable=True),
    sa.Column('remote_island', sa.Boolean(), nullable=False),
    sa.Column('island_area_code', sa.String(length=40), nullable=True),
    sa.CheckConstraint('lat IS NULL OR lat BETWEEN -90 AND 90', name=op.f('ck_sites_lat')),
    sa.CheckConstraint('lon IS NULL OR lon BETWEEN -180 AND 180', name=op.f('ck_sites_lon')),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_sites_customer_id_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sites_manager_email'), ['manager_email'], unique=False)

    op.create_table('technicians',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('shift_start', sa.Time(), nullable=False),
    sa.Column('shift_end', sa.Time(), nullable=False),
    sa.Column('skills', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('shift_start < shift_end', name=op.f('ck_technicians_shift_order')),
    sa.ForeignKeyConstraint(['base_id'], ['service_bases.id'], name=op.f('fk_technicians_base_id_service_bases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_technicians')),
    sa.UniqueConstraint('email', name=op.f('uq_technicians_email'))
    )
    with op.batch_alter_table('technicians', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_technicians_base_id'), ['base_id'], unique=False)

    op.create_table('devices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('model_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('parent_device_id', sa.Integer(), nullable=True),
    sa.Column('purchase_date', sa.Date(), nullable=True),
    sa.Column('factory_ship_date', sa.Date(), nullable=True),
    sa.Column('print_count', sa.Integer(), nullable=True),
    sa.Column('print_count_on', sa.Date(), nullable=True),
    sa.Column('in_japan', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('print_count IS NULL OR print_count >= 0', name=op.f('ck_devices_print_count')),
    sa.CheckConstraint('purchase_date IS NOT NULL OR factory_ship_date IS NOT NULL', name=op.f('ck_devices_known_start')),
    sa.ForeignKeyConstraint(['model_id'], ['printer_models.id'], name=op.f('fk_devices_model_id_printer_models')),
    sa.ForeignKeyConstraint(['parent_device_id'], ['devices.id'], name=op.f('fk_devices_parent_device_id_devices')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_devices_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_devices')),
    sa.UniqueConstraint('serial', name=op.f('uq_devices_serial'))
    )
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_devices_model_id'), ['model_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_parent_device_id'), ['parent_device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_devices_site_id'), ['site_id'], unique=False)

    op.create_table('packs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=8), nullable=False),
    sa.Column('purchased_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('support_hours', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('support_pack_id', sa.String(length=20), nullable=True),
    sa.Column('nominal_start', sa.Date(), nullable=True),
    sa.Column('uncapped_end', sa.Date(), nullable=True),
    sa.Column('continuous', sa.Boolean(), nullable=False),
    sa.Column('coverage_start', sa.Date(), nullable=True),
    sa.Column('coverage_end', sa.Date(), nullable=True),
    sa.Column('warnings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('refusal_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('refusal_note', sa.Text(), nullable=True),
    sa.Column('status_code', sa.String(length=40), nullable=True),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("product IN ('std1', 'std3', 'std4', 'std5', 'std6', 'std7', 'ext1', 'ext2')", name=op.f('ck_packs_product')),
    sa.CheckConstraint("status IN ('purchased', 'applied', 'inquiry', 'registered', 'cancelled', 'void', 'refused')", name=op.f('ck_packs_status')),
    sa.CheckConstraint('coverage_start IS NULL OR coverage_end IS NULL OR coverage_start <= coverage_end', name=op.f('ck_packs_coverage_order')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_packs_device_id_devices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_packs')),
    sa.UniqueConstraint('support_pack_id', name=op.f('uq_packs_support_pack_id'))
    )
    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_packs_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_packs_status'), ['status'], unique=False)

    op.create_table('relocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('from_site_id', sa.Integer(), nullable=False),
    sa.Column('to_site_id', sa.Integer(), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_relocations_device_id_devices')),
    sa.ForeignKeyConstraint(['from_site_id'], ['sites.id'], name=op.f('fk_relocations_from_site_id_sites')),
    sa.ForeignKeyConstraint(['to_site_id'], ['sites.id'], name=op.f('fk_relocations_to_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relocations'))
    )
    with op.batch_alter_table('relocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relocations_device_id'), ['device_id'], unique=False)

    op.create_table('retention_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity_type', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.Integer(), nullable=False),
    sa.Column('service_end', sa.Date(), nullable=False),
    sa.Column('flagged_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_retention_flags_device_id_devices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_flags')),
    sa.UniqueConstraint('entity_type', 'entity_id', name='uq_retention_flags_entity')
    )
    with op.batch_alter_table('retention_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_flags_device_id'), ['device_id'], unique=False)
        batch_op.create_index('ix_retention_flags_flagged_on', ['flagged_on'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=4), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('consent_service_spec', sa.Boolean(), nullable=False),
    sa.Column('consent_privacy', sa.Boolean(), nullable=False),
    sa.Column('consent_antisocial_declaration', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('cancelled_on', sa.Date(), nullable=True),
    sa.Column('sla_breached_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("channel IN ('web', 'mail')", name=op.f('ck_applications_channel')),
    sa.CheckConstraint("status IN ('purchased', 'applied', 'inquiry', 'registered', 'cancelled', 'void', 'refused')", name=op.f('ck_applications_status')),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_applications_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_pack_id'), ['pack_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_sla_breached_on'), ['sla_breached_on'], unique=False)

    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=False),
    sa.Column('anchor_on', sa.Date(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('detail', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_notices_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('kind', 'pack_id', 'anchor_on', name='uq_notice_once')
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_pack_id'), ['pack_id'], unique=False)

    op.create_table('repair_calls',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('request_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('device_id', sa.Integer(), nullable=True),
    sa.Column('pack_id', sa.Integer(), nullable=True),
    sa.Column('serial', sa.String(length=40), nullable=False),
    sa.Column('support_pack_id', sa.String(length=20), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('symptom', sa.Text(), nullable=False),
    sa.Column('print_count', sa.Integer(), nullable=True),
    sa.Column('parts_required', sa.Boolean(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('cutoff_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('after_hours_consent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("decision IN ('same_day', 'next_business_day', 'phone_only', 'not_covered')", name=op.f('ck_repair_calls_decision')),
    sa.CheckConstraint("status IN ('open', 'scheduled', 'resolved_by_phone', 'done', 'cancelled')", name=op.f('ck_repair_calls_status')),
    sa.ForeignKeyConstraint(['device_id'], ['devices.id'], name=op.f('fk_repair_calls_device_id_devices')),
    sa.ForeignKeyConstraint(['pack_id'], ['packs.id'], name=op.f('fk_repair_calls_pack_id_packs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_calls')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_repair_calls_idempotency_key'))
    )
    with op.batch_alter_table('repair_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_repair_calls_device_id'), ['device_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_repair_calls_service_date'), ['service_date'], unique=False)

    op.create_table('inquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_inquiries_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiries'))
    )
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inquiries_application_id'), ['application_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('technician_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=True),
    sa.Column('eta', sa.DateTime(timezone=True), nullable=True),
    sa.Column('start_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.Column('drop_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('unassigned', 'planned', 'en_route', 'arrived', 'done', 'cancelled')", name=op.f('ck_visits_status')),
    sa.ForeignKeyConstraint(['call_id'], ['repair_calls.id'], name=op.f('fk_visits_call_id_repair_calls')),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['visits.id'], name=op.f('fk_visits_follow_up_of_id_visits')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_visits_plan_id_plans')),
    sa.ForeignKeyConstraint(['technician_id'], ['technicians.id'], name=op.f('fk_visits_technician_id_technicians')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_call_id'), ['call_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_service_date'), ['service_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_technician_id'), ['technician_id'], unique=False)

    op.create_table('work_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('personal', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('signer_name', sa.String(length=120), nullable=True),
    sa.Column('signature_png', sa.LargeBinary(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('seal', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('seal_hash', sa.String(length=64), nullable=True),
    sa.Column('chain_index', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'signed', 'refused')", name=op.f('ck_work_reports_status')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_work_reports_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_reports')),
    sa.UniqueConstraint('chain_index', name=op.f('uq_work_reports_chain_index')),
    sa.UniqueConstraint('seal_hash', name=op.f('uq_work_reports_seal_hash')),
    sa.UniqueConstraint('visit_id', name=op.f('uq_work_reports_visit_id'))
    )
    op.create_table('signing_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['work_reports.id'], name=op.f('fk_signing_links_report_id_work_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_signing_links_token_hash'))
    )
    with op.batch_alter_table('signing_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signing_links_report_id'), ['report_id'], unique=False)

    


def downgrade():
    
    with op.batch_alter_table('signing_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signing_links_report_id'))

    op.drop_table('signing_links')
    op.drop_table('work_reports')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_technician_id'))
        batch_op.drop_index(batch_op.f('ix_visits_service_date'))
        batch_op.drop_index(batch_op.f('ix_visits_call_id'))

    op.drop_table('visits')
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiries_application_id'))

    op.drop_table('inquiries')
    with op.batch_alter_table('repair_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_repair_calls_service_date'))
        batch_op.drop_index(batch_op.f('ix_repair_calls_device_id'))

    op.drop_table('repair_calls')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_pack_id'))

    op.drop_table('notices')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_sla_breached_on'))
        batch_op.drop_index(batch_op.f('ix_applications_pack_id'))

    op.drop_table('applications')
    with op.batch_alter_table('retention_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_retention_flags_flagged_on')
        batch_op.drop_index(batch_op.f('ix_retention_flags_device_id'))

    op.drop_table('retention_flags')
    with op.batch_alter_table('relocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relocations_device_id'))

    op.drop_table('relocations')
    with op.batch_alter_table('packs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_packs_status'))
        batch_op.drop_index(batch_op.f('ix_packs_device_id'))

    op.drop_table('packs')
    with op.batch_alter_table('devices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_devices_site_id'))
        batch_op.drop_index(batch_op.f('ix_devices_parent_device_id'))
        batch_op.drop_index(batch_op.f('ix_devices_model_id'))

    op.drop_table('devices')
    with op.batch_alter_table('technicians', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_technicians_base_id'))

    op.drop_table('technicians')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_manager_email'))
        batch_op.drop_index(batch_op.f('ix_sites_customer_id'))

    op.drop_table('sites')
    op.drop_table('report_submissions')
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_customer_id'))

    op.drop_table('privacy_requests')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))

    op.drop_table('audit_events')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('signing_keys')
    op.drop_table('service_bases')
    op.drop_table('printer_models')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_service_date'))

    op.drop_table('plans')
    with op.batch_alter_table('login_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_login_attempts_email_at')

    op.drop_table('login_attempts')
    op.drop_table('job_runs')
    op.drop_table('island_areas')
    op.drop_table('customers')
    
