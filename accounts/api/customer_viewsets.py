"""API endpoints of the customer resources, each inside the API key's tenant."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view

from accounts import selectors
from accounts.api import filters
from accounts.api.customer_serializers import (
    AccountSerializer,
    ContactSerializer,
    NoteSerializer,
    SubscriptionSerializer,
)
from accounts.models import Account, AccountNote, Contact, Subscription
from accounts.tenancy.upsert import UpsertMixin
from accounts.tenancy.viewsets import TenantModelViewSet

UPSERT_DOC = (
    "Creates the {name} or, when one with this `{key}` exists, updates it (201 / 200), "
    "so a sync can resend everything."
)


def upsert_schema(name: str, key: str = "external_id"):
    return extend_schema_view(
        list=extend_schema(summary=f"List {name}s"),
        retrieve=extend_schema(summary=f"Get one {name} by {key}"),
        create=extend_schema(
            summary=f"Create or update a {name} (upsert by {key})",
            description=UPSERT_DOC.format(name=name, key=key),
        ),
        update=extend_schema(
            summary=f"Create or replace the {name} with this {key} (upsert)",
            description=UPSERT_DOC.format(name=name, key=key),
        ),
        partial_update=extend_schema(summary=f"Change some fields of a {name}"),
        destroy=extend_schema(summary=f"Delete a {name}"),
    )


class ExternalIdViewSet(UpsertMixin, TenantModelViewSet):
    lookup_field = "external_id"
    lookup_value_regex = "[^/]+"
    filter_backends = [DjangoFilterBackend]


@upsert_schema("account")
class AccountViewSet(ExternalIdViewSet):
    model = Account
    serializer_class = AccountSerializer
    filterset_class = filters.AccountFilter

    def get_queryset(self):
        return selectors.accounts_list()


@upsert_schema("contact")
class ContactViewSet(ExternalIdViewSet):
    model = Contact
    serializer_class = ContactSerializer
    filterset_class = filters.ContactFilter

    def get_queryset(self):
        return selectors.contacts_list()


@upsert_schema("subscription term")
class SubscriptionViewSet(ExternalIdViewSet):
    model = Subscription
    serializer_class = SubscriptionSerializer
    filterset_class = filters.SubscriptionFilter

    def get_queryset(self):
        return selectors.subscriptions_list()


@extend_schema_view(
    list=extend_schema(summary="List notes on accounts' timelines"),
    create=extend_schema(summary="Add a note to an account's timeline"),
)
class NoteViewSet(TenantModelViewSet):
    model = AccountNote
    serializer_class = NoteSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = filters.NoteFilter

    def get_queryset(self):
        return selectors.notes_list()
