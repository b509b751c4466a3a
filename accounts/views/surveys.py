"""Survey pages: the list, a new survey, editing one, its results (response rate, NPS, the
0-10 distribution and comments, for all sends or one) with its sends and "Send now", and a
send's progress, which the page refreshes through htmx while the send runs."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import SendStatus, Survey, SurveySend
from accounts.services.survey_emails import DEFAULT_QUESTION
from accounts.services.survey_links import question_text
from accounts.services.surveys import survey_create, survey_send_start, survey_update
from accounts.survey_forms import LANGUAGE_FIELDS, SurveyForm
from accounts.survey_selectors import survey_results, survey_sends, surveys_list
from tenants.tenancy.views import TenantView


class SurveyListView(TenantView):
    template_name = "accounts/survey/list.html"

    def get(self, request):
        return render(request, self.template_name, {"surveys": surveys_list(request.tenant)})


class SurveyFormView(TenantView):
    """New survey (no pk) or edit one; CSMs and up (viewers read only)."""

    template_name = "accounts/survey/form.html"

    def _survey(self, pk):
        return None if pk is None else get_object_or_404(Survey.objects, pk=pk)

    def get(self, request, pk=None):
        survey = self._survey(pk)
        if survey is None:
            # The standard NPS question, ready in every language.
            initial = {
                field: DEFAULT_QUESTION[language]
                for field, (language, _label) in LANGUAGE_FIELDS.items()
            }
            initial |= {"status": "active", "next_send_on": request.tenant.today()}
            form = SurveyForm(tenant=request.tenant, initial=initial)
        else:
            form = SurveyForm(tenant=request.tenant, initial=SurveyForm.initial_of(survey))
        return self._page(request, form, survey)

    def post(self, request, pk=None):
        survey = self._survey(pk)
        form = SurveyForm(request.POST, tenant=request.tenant)
        if form.is_valid():
            try:
                if survey is None:
                    survey = survey_create(tenant=request.tenant, **form.values())
                else:
                    survey = survey_update(tenant=request.tenant, survey=survey, **form.values())
            except ValidationError as error:
                form.add_service_errors(error.message_dict)
        if not form.is_valid():
            return self._page(request, form, survey, status=400)
        messages.success(request, _("Survey saved."))
        return redirect("survey", pk=survey.pk)

    def _page(self, request, form, survey, status=200):
        context = {"form": form, "survey": survey}
        return render(request, self.template_name, context, status=status)


class SurveyDetailView(TenantView):
    template_name = "accounts/survey/detail.html"

    def get(self, request, pk):
        survey = get_object_or_404(Survey.objects, pk=pk)
        sends = list(survey_sends(survey))
        context = {
            "survey": survey,
            "question": question_text(survey, get_language(), request.tenant),
            "sends": sends,
            "results": survey_results(request.tenant, survey),
            "time_zone": request.tenant.time_zone,
        }
        return render(request, self.template_name, context)


class SurveySendNowView(TenantView):
    """Start a send now (POST); to the send's progress page."""

    def post(self, request, pk):
        survey = get_object_or_404(Survey.objects, pk=pk)
        send = survey_send_start(tenant=request.tenant, survey=survey)
        return redirect("survey-send", pk=survey.pk, send_pk=send.pk)


class SurveySendView(TenantView):
    template_name = "accounts/survey/send.html"

    def get(self, request, pk, send_pk):
        survey = get_object_or_404(Survey.objects, pk=pk)
        send = get_object_or_404(SurveySend.objects, pk=send_pk, survey=survey)
        context = {
            "survey": survey,
            "send": send,
            "running": send.status != SendStatus.DONE,
            "results": survey_results(request.tenant, survey, send),
            "time_zone": request.tenant.time_zone,
        }
        template = self.template_name + ("#progress" if request.htmx else "")
        return render(request, template, context)
