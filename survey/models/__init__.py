"""SQLModel tables. Import models from here; Alembic reads `SQLModel.metadata` through this package."""
from survey.models.responses import Answer, Response
from survey.models.service_points import ServicePoint
from survey.models.units import AdminUnit, UnitPopulation, UnitSuccession
from survey.models.users import LoginAttempt, User, UserUnit
from survey.models.waves import Wave

__all__ = [
    "AdminUnit",
    "Answer",
    "LoginAttempt",
    "Response",
    "ServicePoint",
    "UnitPopulation",
    "UnitSuccession",
    "User",
    "UserUnit",
    "Wave",
]
