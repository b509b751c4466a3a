"""Turn a chunk of generated accounts into COPY lines, table by table, parents first.

Events dominate (hundreds per account), so their lines are built from pre-formatted pieces:
timestamps are formatted by numpy in one call per chunk and each contact's ids once.
"""

import json
from collections.abc import Iterator

import numpy as np

from accounts.models import Account, AccountNote, Contact, NpsResponse, Subscription
from csplatform.demo.seed.account import AccountSpec
from csplatform.demo.seed.calendar import Period
from csplatform.demo.seed.copy import NULL, money, text
from csplatform.demo.seed.usage import EVENT_NAMES
from metrics.models import ChurnRecord, EventReceipt, UsageEvent

ACCOUNT_FIELDS = ["id", "tenant", "external_id", "name", "domain", "owner", "segment"]
ACCOUNT_FIELDS += ["lifecycle_stage", "traits", "created_at", "updated_at"]
CONTACT_FIELDS = ["id", "tenant", "external_id", "account", "email", "name", "traits"]
CONTACT_FIELDS += ["created_at", "updated_at"]
TERM_FIELDS = ["tenant", "external_id", "account", "plan", "mrr", "currency", "start_date"]
TERM_FIELDS += ["end_date", "status", "created_at", "updated_at"]
EVENT_FIELDS = ["tenant", "message_id", "type", "event", "timestamp", "received_at", "account"]
EVENT_FIELDS += ["contact", "account_external_id", "contact_external_id", "properties"]
RECEIPT_FIELDS = ["tenant", "message_id", "received_at"]
NPS_FIELDS = ["tenant", "external_id", "contact", "account", "score", "comment", "answered_at"]
NPS_FIELDS += ["created_at"]
CHURN_FIELDS = ["tenant", "account", "churned_on", "reason", "note", "tenure_months"]
CHURN_FIELDS += ["last_mrr", "engagement_trend", "created_at", "updated_at"]
NOTE_FIELDS = ["tenant", "account", "author", "body", "occurred_at", "created_at"]

_MORNING = 9 * 3600  # rows of the CRM appear at the start of the working day


def _json(value) -> str:
    return text(json.dumps(value, sort_keys=True, ensure_ascii=False))


def _opt(value) -> str:
    return NULL if value is None else str(value)


class ChunkRows:
    """COPY lines of one chunk; `account_ids[i]` and `contact_ids[i]` belong to `specs[i]`."""

    def __init__(
        self, *, specs, tenant_id, currency, seed, period: Period, account_ids, contact_ids
    ):
        self.specs: list[AccountSpec] = specs
        self.tenant, self.currency, self.seed, self.period = tenant_id, currency, seed, period
        self.account_ids: list[int] = account_ids
        self.contact_ids: list[list[int]] = contact_ids

    def tables(self) -> Iterator[tuple[type, list[str], list[str]]]:
        """(model, fields, lines), parents before children."""
        yield Account, ACCOUNT_FIELDS, self.accounts()
        yield Contact, CONTACT_FIELDS, self.contacts()
        yield Subscription, TERM_FIELDS, self.terms()
        events, receipts = self.events()
        yield UsageEvent, EVENT_FIELDS, events
        yield EventReceipt, RECEIPT_FIELDS, receipts
        yield NpsResponse, NPS_FIELDS, self.answers()
        yield ChurnRecord, CHURN_FIELDS, self.churns()
        yield AccountNote, NOTE_FIELDS, self.notes()

    def accounts(self) -> list[str]:
        lines = []
        for spec, pk in zip(self.specs, self.account_ids, strict=True):
            created = self.period.iso(spec.start_day, _MORNING)
            lines.append(
                f"{pk}\t{self.tenant}\t{spec.external_id}\t{text(spec.name)}\t{spec.domain}\t"
                f"{_opt(spec.owner_id)}\t{spec.segment}\t{spec.lifecycle_stage}\t"
                f"{_json(spec.traits)}\t{created}\t{created}\n"
            )
        return lines

    def contacts(self) -> list[str]:
        lines = []
        for spec, account_id, ids in zip(
            self.specs, self.account_ids, self.contact_ids, strict=True
        ):
            created = self.period.iso(spec.start_day, _MORNING)
            for contact, pk in zip(spec.contacts, ids, strict=True):
                lines.append(
                    f"{pk}\t{self.tenant}\t{contact.external_id}\t{account_id}\t"
                    f"{contact.email}\t{text(contact.name)}\t{_json(contact.traits)}\t"
                    f"{created}\t{created}\n"
                )
        return lines

    def terms(self) -> list[str]:
        lines = []
        for spec, account_id in zip(self.specs, self.account_ids, strict=True):
            for number, term in enumerate(spec.terms, start=1):
                created = self.period.iso(self.period.day(term.start), _MORNING)
                lines.append(
                    f"{self.tenant}\tdemo-sub-{spec.ordinal:06d}-{number:03d}\t{account_id}\t"
                    f"{term.plan}\t{money(term.mrr_cents)}\t{self.currency}\t{term.start}\t"
                    f"{term.end}\t{term.status}\t{created}\t{created}\n"
                )
        return lines

    def events(self) -> tuple[list[str], list[str]]:
        """Event and receipt lines, in timestamp order across the chunk: the events table's
        (tenant, timestamp) index is then filled in one sweep rather than at random."""
        if not self.specs:
            return [], []
        usages = [spec.usage for spec in self.specs]
        order = np.argsort(np.concatenate([u.timestamp_ms for u in usages]), kind="stable")
        stamps = _iso_ms(np.concatenate([u.timestamp_ms for u in usages])[order])
        received = _iso_ms(np.concatenate([u.received_ms for u in usages])[order])
        names = EVENT_NAMES[np.concatenate([u.event for u in usages])[order]].tolist()
        sizes = [len(u) for u in usages]
        owner = np.repeat(np.arange(len(usages)), sizes)[order].tolist()
        number = np.concatenate([np.arange(n) for n in sizes])[order].tolist()
        first_contact = np.cumsum([0] + [len(spec.contacts) for spec in self.specs])
        who_index = np.concatenate([u.contact + first_contact[i] for i, u in enumerate(usages)])[
            order
        ].tolist()
        who, prefixes = [], []
        for spec, account_id, ids in zip(
            self.specs, self.account_ids, self.contact_ids, strict=True
        ):
            prefixes.append(f"demo-{self.seed}-{spec.ordinal:06d}-")
            who.extend(
                f"{account_id}\t{pk}\t{spec.external_id}\t{contact.external_id}"
                for contact, pk in zip(spec.contacts, ids, strict=True)
            )
        events, receipts = [], []
        for account, n, name, stamp, got, contact in zip(
            owner, number, names, stamps, received, who_index, strict=True
        ):
            message = f"{prefixes[account]}{n:06d}"
            events.append(
                f"{self.tenant}\t{message}\ttrack\t{name}\t{stamp}+00\t{got}+00\t"
                f"{who[contact]}\t{{}}\n"
            )
            receipts.append(f"{self.tenant}\t{message}\t{got}+00\n")
        return events, receipts

    def answers(self) -> list[str]:
        lines = []
        for spec, account_id, ids in zip(
            self.specs, self.account_ids, self.contact_ids, strict=True
        ):
            for number, answer in enumerate(spec.answers, start=1):
                at = self.period.iso(answer.day, answer.seconds)
                lines.append(
                    f"{self.tenant}\tdemo-nps-{spec.ordinal:06d}-{number:03d}\t"
                    f"{ids[answer.contact]}\t{account_id}\t{answer.score}\t"
                    f"{text(answer.comment)}\t{at}\t{at}\n"
                )
        return lines

    def churns(self) -> list[str]:
        lines = []
        for spec, account_id in zip(self.specs, self.account_ids, strict=True):
            churn = spec.churn
            if churn is None:
                continue
            at = self.period.iso(churn.day, _MORNING)
            lines.append(
                f"{self.tenant}\t{account_id}\t{self.period.date(churn.day)}\t"
                f"{_opt(churn.reason_id)}\t{text(churn.note)}\t{churn.tenure_months}\t"
                f"{money(churn.last_mrr_cents)}\t{_json(churn.engagement_trend)}\t{at}\t{at}\n"
            )
        return lines

    def notes(self) -> list[str]:
        lines = []
        for spec, account_id in zip(self.specs, self.account_ids, strict=True):
            for note in spec.notes:
                at = self.period.iso(note.day, note.seconds)
                lines.append(
                    f"{self.tenant}\t{account_id}\t{_opt(spec.owner_id)}\t{text(note.body)}\t"
                    f"{at}\t{at}\n"
                )
        return lines


def _iso_ms(epoch_ms: np.ndarray) -> list[str]:
    """'2026-01-05T08:30:00.123' (UTC) for each value; the caller appends the '+00' offset."""
    return np.datetime_as_string(epoch_ms.astype("datetime64[ms]"), unit="ms").tolist()
