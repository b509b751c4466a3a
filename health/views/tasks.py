"""Task pages: a member's inbox, an account's tasks (the panel of the account page), the
navigation's count of tasks due, and the in-place actions (complete, snooze, reassign).

An action answers an htmx request with the task's row, swapped where it stands; without
JavaScript it is a normal form post that redirects back to the page it came from.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from accounts.models import Account
from health.forms.tasks import TaskCreateForm, TaskReassignForm, TaskSnoozeForm
from health.inbox import account_tasks, inbox_for, task_can_act, tasks_due_count, tasks_list
from health.models import Task
from health.services.tasks import (
    task_complete,
    task_open,
    task_reassign,
    task_snooze,
    task_unsnooze,
)
from tenants.selectors import members_list, writers_list
from tenants.templatetags.l10n_extras import local_date_weekday
from tenants.tenancy.views import TenantView

# Sent with every action's answer: the navigation's count listens for it and reloads.
CHANGED_EVENT = "tasks-changed"
UNASSIGNED = "none"


def _mark_actions(tasks, membership) -> None:
    for task in tasks:
        task.can_act = task_can_act(membership, task)


def _members(request) -> list:
    """Members to give a task to (not viewers); only fetched for someone who can act."""
    return list(writers_list()) if request.membership.can_write else []


class InboxView(TenantView):
    """The signed-in member's open tasks; owners and admins may open anyone's, or the tasks
    nobody is assigned (`?member=<membership id>` or `?member=none`)."""

    template_name = "health/inbox.html"

    def get(self, request):
        membership = request.membership
        members = list(members_list())
        selected = self._selected(request, members)
        today = request.tenant.today()
        inbox = inbox_for(selected, today=today)
        for group in (*inbox.groups, ("snoozed", inbox.snoozed)):
            _mark_actions(group[1], membership)
        context = {
            "inbox": inbox,
            "today": today,
            "selected": selected,
            "is_own": selected is not None and selected.pk == membership.pk,
            "can_switch": membership.can_manage,
            # Reassign to members who can act on a task; switch to anyone's inbox.
            "members": [m for m in members if m.can_write] if membership.can_write else [],
            "switch_members": members,
            "where": "inbox",
            "next_url": request.get_full_path(),
            "any_accounts": Account.objects.exists() if inbox.is_empty else True,
        }
        return render(request, self.template_name, context)

    def _selected(self, request, members):
        membership = request.membership
        wanted = request.GET.get("member", "")
        if not wanted:
            return membership
        if wanted == UNASSIGNED:
            if not membership.can_manage:
                raise PermissionDenied(_("Only owners and admins can open another inbox."))
            return None
        chosen = next((m for m in members if str(m.pk) == wanted), None)
        if chosen is None:
            raise Http404
        if chosen.pk != membership.pk and not membership.can_manage:
            raise PermissionDenied(_("Only owners and admins can open another inbox."))
        return chosen


class TasksBadgeView(TenantView):
    """The number beside "Tasks" in the navigation: the member's tasks overdue or due today.
    Loaded by htmx after the page, so pages pay no query for it."""

    def get(self, request):
        count = tasks_due_count(request.membership, today=request.tenant.today())
        response = render(request, "health/_tasks_badge.html", {"count": count})
        patch_vary_headers(response, ["HX-Request"])
        return response


def _next_url(request, fallback: str) -> str:
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return fallback


def _row(request, task: Task, *, notice: str = "", error: str = "") -> HttpResponse:
    where = "account" if request.POST.get("where") == "account" else "inbox"
    task.can_act = task_can_act(request.membership, task)
    context = {
        "task": task,
        "today": request.tenant.today(),
        "members": _members(request) if task.can_act else [],
        "where": where,
        "next_url": _next_url(request, reverse("tasks")),
        "notice": notice,
        "error": error,
    }
    response = render(request, "health/_task_row.html", context)
    if not error:  # a refused action changed nothing for the panels that listen
        response["HX-Trigger"] = CHANGED_EVENT
    return response


class TaskActionView(TenantView):
    """POST only: find the task (404 outside the tenant), check the member may act on it
    (403), act, and answer with the row (htmx) or a redirect."""

    def post(self, request, pk):
        task = get_object_or_404(tasks_list(), pk=pk)
        if not task_can_act(request.membership, task):
            raise PermissionDenied(_("This task is assigned to someone else."))
        try:
            notice = self.act(request, task, request.tenant.today())
        except ValidationError as error:
            message = " ".join(error.messages)
            if request.htmx:
                return _row(request, task, error=message)
            messages.error(request, message)
        else:
            if request.htmx:
                return _row(request, task, notice=notice)
            messages.success(request, f"{task.shown_title}: {notice}")
        return redirect(_next_url(request, reverse("tasks")))

    def act(self, request, task, today) -> str:
        raise NotImplementedError


class TaskCompleteView(TaskActionView):
    def act(self, request, task, today):
        task_complete(tenant=request.tenant, task=task, by=request.membership)
        return _("Done.")


class TaskSnoozeView(TaskActionView):
    def act(self, request, task, today):
        form = TaskSnoozeForm(request.POST, today=today)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        until = form.cleaned_data["until"]
        task_snooze(tenant=request.tenant, task=task, until=until, today=today)
        return _("Snoozed until %(day)s.") % {"day": local_date_weekday(until)}


class TaskUnsnoozeView(TaskActionView):
    def act(self, request, task, today):
        task_unsnooze(tenant=request.tenant, task=task)
        return _("Back in the inbox.")


class TaskReassignView(TaskActionView):
    def act(self, request, task, today):
        form = TaskReassignForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        to = form.cleaned_data["assignee"]
        task_reassign(tenant=request.tenant, task=task, to=to)
        return _("Reassigned to %(email)s.") % {"email": to.user.email}


class AccountTasksView(TenantView):
    """An account's open tasks, then the latest closed ones; the account page loads it as a
    panel (htmx), and it is a page of its own without JavaScript. POST opens a task by hand."""

    template_name = "health/account_tasks.html"

    def get(self, request, pk, form=None, status=200):
        account = get_object_or_404(Account.objects, pk=pk)
        today = request.tenant.today()
        open_tasks, closed = account_tasks(account)
        _mark_actions(open_tasks, request.membership)
        members = _members(request)
        context = {
            "account": account,
            "open_tasks": open_tasks,
            "closed_tasks": closed,
            "today": today,
            "members": members,
            "where": "account",
            "next_url": reverse("account", args=[account.pk]),
            "form": form or TaskCreateForm(today=today, members=members),
            "form_open": form is not None,
        }
        template = self.template_name + ("#panel" if request.htmx else "")
        response = render(request, template, context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def post(self, request, pk):
        account = get_object_or_404(Account.objects, pk=pk)
        form = TaskCreateForm(request.POST, today=request.tenant.today())
        if form.is_valid():
            try:
                task_open(
                    tenant=request.tenant,
                    account=account,
                    title=form.cleaned_data["title"],
                    due_on=form.cleaned_data["due_on"],
                    priority=form.cleaned_data["priority"],
                    assignee=form.cleaned_data["assignee"],
                    created_by=request.membership,
                )
            except ValidationError as error:
                form.add_error(None, error)
        if not form.is_valid():
            # The page's htmx configuration swaps a 400 in too: the form comes back with its
            # errors in place.
            return self.get(request, pk, form=form, status=400)
        if request.htmx:
            response = self.get(request, pk)
            response["HX-Trigger"] = CHANGED_EVENT
            return response
        messages.success(request, _("Task added."))
        return redirect("account", pk=account.pk)
