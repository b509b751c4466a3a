"""Models of the accounts app: customer accounts, contacts, terms, notes, NPS answers, imports."""

from accounts.models.account import Account, AccountNote, Contact, LifecycleStage, Subscription
from accounts.models.import_job import ImportJob
from accounts.models.nps import NpsResponse

__all__ = [
    "Account",
    "AccountNote",
    "Contact",
    "ImportJob",
    "LifecycleStage",
    "NpsResponse",
    "Subscription",
]
