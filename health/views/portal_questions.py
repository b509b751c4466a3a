""" "Ask your CSM" in the customer portal, and the CSM's answer from the task it opened.

Asking is a page of the portal (anonymous, guarded by the link's token, as
onboarding.views.portal) placed here because it opens a task in the CSM's inbox, which the
onboarding app cannot reach. Answering is the CSM's: the task's "Answer" page stores the
answer (the portal shows it), emails it to the contact and closes the task."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from health.inbox import task_can_act, tasks_list
from health.services.portal_questions import (
    customer_question_answer,
    customer_question_ask,
    question_for_task,
)
from onboarding.views.portal import PortalPageView
from tenants.tenancy.views import TenantView


class PortalAskView(PortalPageView):
    http_method_names = ["post"]

    def post(self, request, token):
        link, text = self.link, request.POST.get("text", "")
        try:
            customer_question_ask(
                tenant=link.tenant, account=link.account, contact=link.contact, text=text
            )
        except ValidationError as error:
            status = 200 if request.htmx else 400
            return self.page(
                request, partial="questions", errors=error.message_dict, text=text, status=status
            )
        if request.htmx:
            return self.page(request, partial="questions", asked=True)
        return redirect(self.back("questions", asked="1"))


class QuestionAnswerView(TenantView):
    """The customer's question of a task, and the form to answer it (who may act on the
    task may answer)."""

    template_name = "health/question_answer.html"

    def get(self, request, pk, errors=None, text="", status=200):
        task, question = self.task_and_question(request, pk)
        context = {
            "task": task,
            "question": question,
            "errors": errors or {},
            "text": text or question.answer,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        task, question = self.task_and_question(request, pk)
        if not task_can_act(request.membership, task):
            raise PermissionDenied(_("This task is assigned to someone else."))
        text = request.POST.get("answer", "")
        try:
            customer_question_answer(
                tenant=request.tenant, question=question, text=text, by=request.membership
            )
        except ValidationError as error:
            return self.get(request, pk, errors=error.message_dict, text=text, status=400)
        messages.success(request, _("Answer sent."))
        return redirect("task-answer", pk=pk)

    def task_and_question(self, request, pk):
        task = get_object_or_404(tasks_list(), pk=pk)
        question = question_for_task(task)
        if question is None:
            raise Http404
        return task, question
