"""SQLModel tables. Import models from here; Alembic reads `SQLModel.metadata` through this package."""
from survey.models.client_keys import CLIENT_KEY_TABLES
from survey.models.entry import AuditEvent, Batch, BatchClerk, PaperEntry
from survey.models.exports import ApiToken, ExportJob
from survey.models.jobs import Job
from survey.models.responses import Answer, Response
from survey.models.results_snapshots import ResultsSnapshot
from survey.models.service_points import ServicePoint
from survey.models.units import AdminUnit, UnitPopulation, UnitSuccession
from survey.models.users import LoginAttempt, User, UserUnit
from survey.models.waves import Wave
from survey.models.waves_design import D766Count, WaveDesign, WaveMargin, WaveStratum

__all__ = [
    "AdminUnit",
    "CLIENT_KEY_TABLES",
    "ApiToken",
    "D766Count",
    "Answer",
    "AuditEvent",
    "Batch",
    "BatchClerk",
    "ExportJob",
    "Job",
    "LoginAttempt",
    "PaperEntry",
    "Response",
    "ResultsSnapshot",
    "ServicePoint",
    "UnitPopulation",
    "UnitSuccession",
    "User",
    "UserUnit",
    "Wave",
    "WaveDesign",
    "WaveMargin",
    "WaveStratum",
]
