"""The churn page: why accounts left (reasons and lost MRR), how long they had been customers,
how their engagement fell before they left against retained accounts, and the churn records,
where a CSM records the reason and a note.

Every member may read; members who can write record reasons. A bad period shows a form error
and the default period.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from metrics.churn_charts import (
    engagement_bars,
    reason_count_bars,
    reason_mrr_bars,
    tenure_bars,
)
from metrics.churn_forms import ChurnPeriodForm, ChurnRecordForm
from metrics.churn_selectors import (
    churn_period,
    churn_records,
    engagement_before_churn,
    reason_breakdown,
    tenure_buckets,
)
from metrics.models import ChurnRecord
from metrics.services.churn_records import churn_record_explain
from tenants.tenancy.views import TenantView


class ChurnView(TenantView):
    def get(self, request):
        period_form = ChurnPeriodForm(request.GET or None)
        months = period_form.chosen()
        since, until = churn_period(request.tenant.today(), months)
        records = list(churn_records(since, until))
        lost_mrr = sum((r.last_mrr or 0 for r in records), 0)
        reasons = reason_breakdown(records)
        tenure = tenure_buckets(records)
        engagement = engagement_before_churn(records, since, until)
        context = {
            "period_form": period_form,
            "months": months,
            "since": since,
            "until": until,
            "records": records,
            "lost_mrr": lost_mrr,
            "unexplained": sum(1 for r in records if r.reason_id is None),
            "reasons": reasons,
            "tenure": tenure,
            "engagement": engagement,
            "reason_bars": reason_count_bars(reasons),
            "mrr_bars": reason_mrr_bars(reasons, request.tenant.currency),
            "tenure_bars": tenure_bars(tenure),
            "engagement_bars": engagement_bars(engagement),
            "can_write": request.membership.can_write,
        }
        return render(request, "metrics/churn.html", context)


class ChurnRecordView(TenantView):
    """Record or change the reason and note of one churn record."""

    def _record(self, pk):
        return get_object_or_404(ChurnRecord.objects.select_related("account", "reason"), pk=pk)

    def get(self, request, pk):
        record = self._record(pk)
        return self._page(request, record, ChurnRecordForm(record=record))

    def post(self, request, pk):
        record = self._record(pk)
        form = ChurnRecordForm(request.POST, record=record)
        if not form.is_valid():
            return self._page(request, record, form, status=400)
        churn_record_explain(
            tenant=request.tenant,
            record=record,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, _("Churn reason recorded for %(account)s.") % {"account": record.account.name}
        )
        return redirect("churn")

    def _page(self, request, record, form, status=200):
        context = {"record": record, "form": form, "can_write": request.membership.can_write}
        return render(request, "metrics/churn_record.html", context, status=status)
