"""SQLAlchemy models, one module per aggregate; importing this registers them all."""

from dispatch.models.account import ApiToken, LoginAttempt, User
from dispatch.models.audit import AuditEvent
from dispatch.models.catalog import PrinterModel, ServiceBase
from dispatch.models.customer import Customer, Site
from dispatch.models.device import Device, Relocation
from dispatch.models.island import IslandArea
from dispatch.models.outbox import OutboxMessage
from dispatch.models.pack import Application, Inquiry, JobRun, Notice, Pack
from dispatch.models.plan_job import PlanJob, PlanJobRegion
from dispatch.models.privacy import PrivacyRequest, RetentionFlag
from dispatch.models.repair_call import RepairCall
from dispatch.models.technician import Subcontractor, Technician
from dispatch.models.visit import Plan, Visit
from dispatch.models.work_report import (
    NonConformity,
    ReportPhoto,
    ReportSubmission,
    SigningKey,
    SigningLink,
    WorkReport,
)

__all__ = [
    "ApiToken", "Application", "AuditEvent", "Customer", "Device", "Inquiry", "IslandArea",
    "NonConformity", "ReportPhoto", "Subcontractor",
    "JobRun", "Notice", "ReportSubmission", "SigningLink", "PrivacyRequest", "RetentionFlag",
    "LoginAttempt", "Pack", "Plan", "PlanJob", "PlanJobRegion", "PrinterModel", "Relocation",
    "RepairCall",
    "ServiceBase", "OutboxMessage", "SigningKey", "Site", "Technician", "User", "Visit",
    "WorkReport",
]
