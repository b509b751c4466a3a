"""API of NPS surveys: surveys (create, change, send now, results), their sends (progress
and results). Every member reads; CSMs and up create, change and send. Answers arrive as
NPS answers (GET /api/v1/nps-responses/), the same as those recorded by API."""

import django_filters as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Account, Survey, SurveySend
from accounts.services.surveys import survey_create, survey_send_start, survey_update
from accounts.survey_selectors import survey_results, survey_sends
from tenants.api.fields import ExternalIdField, StrictSerializer
from tenants.api.pagination import DefaultCursorPagination
from tenants.tenancy.viewsets import TenantViewSet


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class AccountExternalIdsField(serializers.ListField):
    """Accounts by external id in, account ids stored; shown as external ids again."""

    child = ExternalIdField(Account)

    def to_internal_value(self, data):
        return [account.pk for account in super().to_internal_value(data)]

    def to_representation(self, ids):
        # A list reads every survey's accounts at once (SurveyViewSet.list); one survey alone.
        external = self.context.get("external_ids")
        if external is None:
            external = external_ids(ids)
        return [external[pk] for pk in ids if pk in external]


def external_ids(ids) -> dict[int, str]:
    return dict(Account.objects.filter(pk__in=list(ids) or [0]).values_list("pk", "external_id"))


class SurveySerializer(StrictSerializer):
    question = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=False),
        help_text=("The question by language: en (required), zh-hans, ru, ro. "
                    "{{ company_name }} is replaced by the tenant's name."),
    )  # fmt: skip
    account_external_ids = AccountExternalIdsField(
        source="account_ids",
        required=False,
        help_text="Only these accounts; empty: every account of the segment and stage.",
    )

    class Meta:
        model = Survey
        fields = [
            "id", "name", "question", "segment", "lifecycle_stage", "account_external_ids",
            "every_months", "throttle_days", "link_days", "reminder_days", "status",
            "next_send_on", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "every_months": {"help_text": "Send again every N months; null: once."},
            "throttle_days": {"help_text": "No contact is asked twice within this many days."},
            "link_days": {"help_text": "Personal links expire after this many days."},
            "reminder_days": {"help_text": "One reminder this many days after a send; null: none."},
            "next_send_on": {"help_text": "The next send (tenant's local day); null: by hand."},
        }  # fmt: skip


class SendSerializer(StrictSerializer):
    survey = serializers.PrimaryKeyRelatedField(read_only=True)
    total = serializers.IntegerField(read_only=True, help_text=("Contacts in the audience."))
    percent = serializers.IntegerField(read_only=True)
    invited = serializers.IntegerField(read_only=True, help_text="Contacts invited so far.")
    answered = serializers.IntegerField(read_only=True)

    class Meta:
        model = SurveySend
        fields = [
            "id", "survey", "status", "total", "processed", "percent", "throttled", "invited",
            "answered", "started_at", "finished_at", "reminded_at",
        ]  # fmt: skip
        read_only_fields = fields


class ResultsSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    answered = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True, help_text=("Percent answered."))
    nps = serializers.FloatField(allow_null=True)
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    distribution = serializers.ListField(
        child=serializers.IntegerField(), help_text=("Answers per score, 0 to 10.")
    )
    comments = serializers.ListField(child=inline_serializer("SurveyComment", {
        "score": serializers.IntegerField(), "comment": serializers.CharField(),
        "contact": serializers.CharField(), "account": serializers.CharField(),
        "answered_at": serializers.DateTimeField(),
    }))  # fmt: skip

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for comment in data["comments"]:
            comment.pop("account_id", None)
        return data


SURVEY_EXAMPLE = {
    "name": "Quarterly NPS",
    "question": {
        "en": "How likely are you to recommend {{ company_name }} to a friend or colleague?",
        "ru": "Насколько вероятно, что вы порекомендуете {{ company_name }} другу или коллеге?",
    },
    "segment": "Enterprise",
    "every_months": 3,
    "throttle_days": 60,
    "link_days": 30,
    "reminder_days": 4,
    "next_send_on": "2027-01-05",
}


class Pagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(summary="List NPS surveys"),
    retrieve=extend_schema(summary="Get one NPS survey"),
    create=extend_schema(
        summary="Create an NPS survey (CSMs and up)",
        description=(
            "The audience is the contacts, with an email address and not unsubscribed, of "
            "the accounts in `segment` and `lifecycle_stage`, or of the accounts listed. An "
            "audience of nobody, an unknown segment or account, or a question without English "
            "answers 400 naming the field."
        ),
        examples=[OpenApiExample("Quarterly", value=SURVEY_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(summary="Replace an NPS survey's settings"),
    partial_update=extend_schema(
        summary="Change some settings of an NPS survey",
        examples=[OpenApiExample("Pause", value={"status": "paused"}, request_only=True)],
    ),
)
class SurveyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    TenantViewSet,
):
    model = Survey
    serializer_class = SurveySerializer
    pagination_class = Pagination

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.scoped_queryset()))
        ids = {pk for survey in page for pk in survey.account_ids}
        context = {**self.get_serializer_context(), "external_ids": external_ids(ids)}
        return self.get_paginated_response(SurveySerializer(page, many=True, context=context).data)

    def perform_create(self, serializer):
        serializer.instance = survey_create(tenant=self.request.tenant, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = survey_update(
            tenant=self.request.tenant, survey=serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        summary="Send a survey now (CSMs and up)",
        description="Fixes the audience now and invites it in batches; follow the send's "
        "progress at /api/v1/survey-sends/{id}/.",
        request=None,
        responses={202: SendSerializer},
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        send = survey_send_start(tenant=request.tenant, survey=self.get_object())
        send = survey_sends().get(pk=send.pk)  # with its counts, as the sends endpoint shows
        return Response(SendSerializer(send).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(summary="A survey's results over all its sends", responses=ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        results = survey_results(request.tenant, self.get_object())
        return Response(ResultsSerializer(_results_data(results)).data)


def _results_data(results) -> dict:
    return {
        "invited": results.invited, "answered": results.answered,
        "response_rate": results.response_rate, "nps": results.nps,
        "promoters": results.promoters, "passives": results.passives,
        "detractors": results.detractors, "distribution": results.distribution,
        "comments": results.comments,
    }  # fmt: skip


class SendFilter(filters.FilterSet):
    survey = filters.NumberFilter(field_name="survey_id", help_text="A survey's id.")

    class Meta:
        model = SurveySend
        fields = []


class SendPagination(DefaultCursorPagination):
    ordering = "-id"


@extend_schema_view(
    list=extend_schema(summary="List survey sends, newest first, with their progress"),
    retrieve=extend_schema(summary="Get one survey send and its progress"),
)
class SurveySendViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = SurveySend
    serializer_class = SendSerializer
    pagination_class = SendPagination

    filter_backends = [DjangoFilterBackend]
    filterset_class = SendFilter

    def get_queryset(self):
        return survey_sends()

    @extend_schema(summary="One send's results", responses=ResultsSerializer)
    @action(detail=True, methods=["get"])
    def results(self, request, pk=None):
        send = self.get_object()
        results = survey_results(request.tenant, send.survey, send)
        return Response(ResultsSerializer(_results_data(results)).data)
