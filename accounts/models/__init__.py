"""Models of the accounts app: customer accounts, contacts, terms, notes, NPS answers, imports,
customer email templates and their log, hosted NPS surveys, saved views of the portfolio."""

from accounts.models.account import Account, AccountNote, Contact, LifecycleStage, Subscription
from accounts.models.email import CustomerEmail, EmailStatus, EmailTemplate
from accounts.models.import_job import ImportJob
from accounts.models.nps import NpsResponse
from accounts.models.saved_view import SavedView
from accounts.models.survey import (
    SendStatus,
    Survey,
    SurveyInvite,
    SurveySend,
    SurveyStatus,
)

__all__ = [
    "Account",
    "AccountNote",
    "Contact",
    "CustomerEmail",
    "EmailStatus",
    "EmailTemplate",
    "ImportJob",
    "LifecycleStage",
    "NpsResponse",
    "SavedView",
    "SendStatus",
    "Subscription",
    "Survey",
    "SurveyInvite",
    "SurveySend",
    "SurveyStatus",
]
