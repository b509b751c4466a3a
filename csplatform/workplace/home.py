"""The home page (/): what a CSM should look at first today.

A CSM sees their own tasks due, their accounts whose health band changed since the day before,
their renewals of the next 90 days, their stalled onboardings and their KPIs. Owners and admins
see the whole tenant and may switch to any CSM's view (`?csm=<membership id>`); a CSM asking
for someone else's view is refused (403), as in the tasks inbox. A tenant without accounts sees
its first steps instead, each ticked when done.

It sits at the top of the project because it reads every domain.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csplatform.workplace import home_selectors as selectors
from csplatform.workplace.home_kpis import kpi_tiles
from tenants.models import Membership, Role
from tenants.selectors import writers_list
from tenants.tenancy.views import TenantView

WHOLE_TEAM = "all"


class HomeView(TenantView):
    http_method_names = ["get", "head"]
    template_name = "workplace/home.html"

    def get(self, request):
        tenant = request.tenant
        today = tenant.today()
        has_accounts = selectors.has_accounts()
        if not has_accounts:
            context = {"steps": selectors.first_steps(has_accounts=False)}
            return render(request, self.template_name, context)
        members = list(writers_list()) if request.membership.can_manage else []
        csm, notice = self._view_of(request, members)
        score_day = selectors.latest_score_day()
        stalls = selectors.onboarding_stalls(tenant=tenant, csm=csm, today=today)
        language = get_language()
        context = {
            "today": today,
            "csm": csm,
            "is_own": csm is not None and csm.pk == request.membership.pk,
            "members": members,
            "notice": notice,
            "tasks": selectors.tasks_due(csm=csm, today=today),
            "changes": selectors.band_changes(csm=csm, day=score_day),
            "renewals": selectors.renewals_upcoming(csm=csm, today=today, score_day=score_day),
            "stalls": stalls,
            "stall_rows": [(stall, stall.step.title_in(language)) for stall in stalls.rows],
            "tiles": kpi_tiles(csm=csm, today=today),
            "renewal_days": selectors.RENEWAL_DAYS,
        }
        return render(request, self.template_name, context)

    def _view_of(self, request, members: list[Membership]) -> tuple[Membership | None, str]:
        """(whose view: a membership, or None for the whole team; a notice when the asked-for
        view could not be shown)."""
        membership = request.membership
        wanted = request.GET.get("csm", "").strip()
        if not membership.can_manage:
            # A CSM sees their own book; a viewer owns none and sees the whole team's.
            own = membership if membership.role == Role.CSM else None
            if wanted and wanted not in (str(membership.pk), WHOLE_TEAM):
                raise PermissionDenied(_("Only owners and admins can open another CSM's view."))
            if wanted == WHOLE_TEAM and own is not None:
                raise PermissionDenied(_("Only owners and admins can open the whole team's view."))
            return own, ""
        if not wanted or wanted == WHOLE_TEAM:
            return None, ""
        # Only this tenant's members are candidates: another tenant's id is as unknown as a
        # made-up one, and both get the same words.
        chosen = next((m for m in members if str(m.pk) == wanted), None)
        if chosen is None:
            return None, _(
                "No member of this team who can own accounts has that id; showing the whole team."
            )
        return chosen, ""
