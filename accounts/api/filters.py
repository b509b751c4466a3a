"""List filters of the customer resources (django-filter)."""

import django_filters as filters
from django.db.models import Q

from accounts.models import Account, AccountNote, Contact, LifecycleStage, Subscription
from tenants.api.filters import UtcIsoDateTimeFilter


class AccountFilter(filters.FilterSet):
    segment = filters.CharFilter()
    lifecycle_stage = filters.ChoiceFilter(choices=LifecycleStage.choices)
    owner_email = filters.CharFilter(field_name="owner__user__email", lookup_expr="iexact")
    domain = filters.CharFilter(lookup_expr="iexact")
    name = filters.CharFilter(lookup_expr="icontains")
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Account
        fields = []


class ContactFilter(filters.FilterSet):
    account_external_id = filters.CharFilter(field_name="account__external_id")
    email = filters.CharFilter(lookup_expr="iexact")
    updated_since = UtcIsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = Contact
        fields = []


class SubscriptionFilter(filters.FilterSet):
    account_external_id = filters.CharFilter(field_name="account__external_id")
    plan = filters.CharFilter()
    status = filters.ChoiceFilter(choices=Subscription.Status.choices)
    active_on = filters.DateFilter(method="filter_active_on", label="Covers this date")

    class Meta:
        model = Subscription
        fields = []

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(
            Q(start_date__lte=value) & (Q(end_date__isnull=True) | Q(end_date__gt=value))
        )


class NoteFilter(filters.FilterSet):
    account_external_id = filters.CharFilter(field_name="account__external_id")

    class Meta:
        model = AccountNote
        fields = []
