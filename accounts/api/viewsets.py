"""API endpoints of the customer resources, each inside the API key's tenant."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view

from accounts import selectors
from accounts.api import filters
from accounts.api.serializers import (
    AccountSerializer,
    ContactSerializer,
    NoteSerializer,
    SubscriptionSerializer,
)
from accounts.models import Account, AccountNote, Contact, Subscription
from accounts.services.accounts import account_delete, subscription_delete
from tenants.tenancy.upsert import UpsertMixin
from tenants.tenancy.viewsets import TenantModelViewSet

UPSERT_DOC = (
    "Creates the {name} or, when one with this `{key}` exists, updates it (201 / 200), "
    "so a sync can resend everything."
)


def upsert_schema(name: str, example: dict, key: str = "external_id"):
    a_name = f"{'an' if name[0] in 'aeiou' else 'a'} {name}"
    body = [OpenApiExample(a_name.capitalize(), value=example, request_only=True)]
    put_body = [
        OpenApiExample(
            a_name.capitalize(),
            value={k: v for k, v in example.items() if k != key},
            request_only=True,
        )
    ]
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}s"),
        retrieve=extend_schema(summary=f"Get one {name} by {key}"),
        create=extend_schema(
            summary=f"Create or update {a_name} (upsert by {key})",
            description=UPSERT_DOC.format(name=name, key=key),
            examples=body,
        ),
        update=extend_schema(
            summary=f"Create or replace the {name} with this {key} (upsert)",
            description=UPSERT_DOC.format(name=name, key=key),
            examples=put_body,
        ),
        partial_update=extend_schema(summary=f"Change some fields of {a_name}"),
        destroy=extend_schema(summary=f"Delete {a_name}"),
    )


class ExternalIdViewSet(UpsertMixin, TenantModelViewSet):
    lookup_field = "external_id"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]


@upsert_schema(
    "account",
    {
        "external_id": "crm-0042",
        "name": "Initech",
        "domain": "initech.example",
        "owner_email": "csm@yourcompany.example",
        "parent_external_id": "crm-0001",
        "segment": "Mid-market",
        "lifecycle_stage": "adoption",
        "traits": {"industry": "Software", "employees": 250},
    },
)
class AccountViewSet(ExternalIdViewSet):
    model = Account
    serializer_class = AccountSerializer
    filterset_class = filters.AccountFilter

    def get_queryset(self):
        return selectors.accounts_list()

    def perform_destroy(self, instance):
        account_delete(tenant=self.request.tenant, account=instance)


@upsert_schema(
    "contact",
    {
        "external_id": "user-7",
        "account_external_id": "crm-0042",
        "email": "peter@initech.example",
        "name": "Peter Gibbons",
        "traits": {"title": "Engineer"},
    },
)
class ContactViewSet(ExternalIdViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_class = filters.ContactFilter

    def get_queryset(self):
        return selectors.contacts_list()


@upsert_schema(
    "subscription term",
    {
        "external_id": "sub-981",
        "account_external_id": "crm-0042",
        "plan": "Growth (annual)",
        "mrr": "499.00",
        "currency": "USD",
        "start_date": "2026-01-01",
        "end_date": "2027-01-01",
        "status": "active",
    },
)
class SubscriptionViewSet(ExternalIdViewSet):
    model = Subscription
    serializer_class = SubscriptionSerializer
    filterset_class = filters.SubscriptionFilter

    def get_queryset(self):
        return selectors.subscriptions_list()

    def perform_destroy(self, instance):
        subscription_delete(tenant=self.request.tenant, subscription=instance)


@extend_schema_view(
    list=extend_schema(summary="List notes on accounts' timelines"),
    retrieve=extend_schema(summary="Get one note"),
    update=extend_schema(summary="Replace a note"),
    partial_update=extend_schema(summary="Change some fields of a note"),
    destroy=extend_schema(summary="Delete a note"),
    create=extend_schema(
        summary="Add a note to an account's timeline",
        examples=[
            OpenApiExample(
                "A note",
                value={"account_external_id": "crm-0042", "body": "QBR booked for March."},
                request_only=True,
            )
        ],
    ),
)
class NoteViewSet(TenantModelViewSet):
    model = AccountNote
    serializer_class = NoteSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.NoteFilter

    def get_queryset(self):
        return selectors.notes_list()
