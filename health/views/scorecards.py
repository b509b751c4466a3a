"""Scorecard pages: the list in priority order, one scorecard beside its latest backtest and
suggested weights, its version history, and the create / edit / delete forms (owners and
admins; every other member reads)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.selectors import segments_in_use
from health import selectors
from health.forms.scorecards import (
    MeasureFormSet,
    ScorecardForm,
    kept_measure_forms,
    measure_initial,
    service_errors_to_forms,
)
from health.labels import short_name
from health.models import Band, MappingKind, Scorecard
from health.services.backtests import suggested_weights_apply
from health.services.defaults import DEFAULT_MEASURES, scorecards_ensure_defaults
from health.services.scorecards import (
    scorecard_create,
    scorecard_delete,
    scorecard_snapshot,
    scorecard_update,
)
from health.views.charts import band_bars
from tenants.models.membership import MANAGE_ROLES
from tenants.tenancy.views import TenantManageView, TenantView

MEASURES_PREFIX = "measures"


def _band_labels() -> dict[str, str]:
    return {band.value: str(band.label) for band in (Band.GOOD, Band.AVERAGE, Band.POOR)}


class ScorecardListView(TenantView):
    template_name = "health/scorecard_list.html"

    def get(self, request):
        scorecards_ensure_defaults(tenant=request.tenant)  # every tenant starts with one
        cards = list(selectors.scorecards_overview())
        for card in cards:
            card.latest_backtest = next(iter(card.backtests.all()), None)
        return render(request, self.template_name, {"scorecards": cards})


def _suggestion_rows(backtest, scorecard) -> list[dict]:
    suggestion = backtest.suggestion or {}
    current = suggestion.get("current_weights") or {}
    suggested = suggestion.get("suggested_weights") or {}
    current_total = sum(current.values()) or 1
    suggested_total = sum(suggested.values()) or 1
    # In the order of the scorecard's measures (the stored JSON keeps no order).
    order = [m.source for m in scorecard.measures.all()]
    return [
        {
            "name": short_name(source),
            "current": current.get(source),
            "current_share": current.get(source, 0) / current_total * 100,
            "suggested": suggested.get(source),
            "suggested_share": suggested.get(source, 0) / suggested_total * 100,
        }
        for source in dict.fromkeys([*order, *current, *suggested])
        if source in current or source in suggested
    ]


def _suggestion_better(suggestion: dict) -> bool:
    current = suggestion.get("held_out_auc_current")
    suggested = suggestion.get("held_out_auc_suggested")
    return suggested is not None and (current is None or suggested > current)


class ScorecardDetailView(TenantView):
    template_name = "health/scorecard_detail.html"
    write_roles = MANAGE_ROLES

    def get(self, request, pk):
        scorecard = get_object_or_404(selectors.scorecards(), pk=pk)
        backtest = selectors.backtest_latest(scorecard)
        context = {
            "scorecard": scorecard,
            "measures": [
                {"measure": m, "name": short_name(m.source), "thresholds": m.thresholds}
                for m in scorecard.measures.all()
            ],
            "total_weight": sum(m.weight for m in scorecard.measures.all()),
            "backtest": backtest,
            "versions": selectors.scorecard_versions().filter(scorecard=scorecard),
            "linear": MappingKind.LINEAR,
        }
        if backtest is not None:
            suggestion = backtest.suggestion or {}
            months = backtest.months or []
            context |= {
                "months_total": len(months),
                "months_closed": sum(1 for month in months if month.get("complete")),
                "suggestion_better": _suggestion_better(suggestion),
                # The phone-sized drawing everywhere: the bars sit in the page's narrow column.
                "bars": band_bars(backtest.bands or {}, _band_labels(), size="compact"),
                "suggestion": suggestion,
                "suggestion_rows": _suggestion_rows(backtest, scorecard),
                "applicable": bool(suggestion.get("suggested_weights"))
                and backtest.scorecard_version.number == scorecard.version,
            }
        return render(request, self.template_name, context)


class SuggestionApplyView(TenantManageView):
    """POST: the latest backtest's suggested weights become the scorecard's next version."""

    def post(self, request, pk):
        scorecard = get_object_or_404(Scorecard.objects, pk=pk)
        try:
            applied = suggested_weights_apply(
                tenant=request.tenant, scorecard=scorecard, created_by=request.membership
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Suggested weights applied: version %(number)s.") % {"number": applied.version},
            )
        return redirect("scorecard", pk=scorecard.pk)


class ScorecardFormView(TenantManageView):
    """Create (`pk` None) or edit a scorecard with its measures. Rows are added without
    JavaScript: "Add a measure" sends the form back with one more empty row."""

    template_name = "health/scorecard_form.html"

    def _segments(self, scorecard) -> list[str]:
        segments = segments_in_use()
        if scorecard is not None and scorecard.segment and scorecard.segment not in segments:
            segments = sorted([*segments, scorecard.segment])
        return segments

    def _initial(self, request, scorecard):
        if scorecard is None:
            taken = set(Scorecard.objects.values_list("priority", flat=True))
            priority = next(p for p in range(10, 10_000, 10) if p not in taken)
            form = {"priority": priority, "good_min": 70, "average_min": 40}
            measures = [measure_initial(dict(m)) for m in DEFAULT_MEASURES]
            return form, measures
        snapshot = scorecard_snapshot(scorecard, list(scorecard.measures.all()))
        measures = [measure_initial(m) for m in snapshot.pop("measures")]
        return snapshot, measures

    def _render(self, request, scorecard, form, formset, general=(), status=200):
        context = {
            "scorecard": scorecard,
            "form": form,
            "formset": formset,
            "general_errors": general,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, pk=None):
        scorecard = get_object_or_404(selectors.scorecards(), pk=pk) if pk else None
        if scorecard is None:
            scorecards_ensure_defaults(tenant=request.tenant)
        initial, measures = self._initial(request, scorecard)
        form = ScorecardForm(initial=initial, segments=self._segments(scorecard))
        formset = MeasureFormSet(initial=measures, prefix=MEASURES_PREFIX)
        return self._render(request, scorecard, form, formset)

    def post(self, request, pk=None):
        scorecard = get_object_or_404(selectors.scorecards(), pk=pk) if pk else None
        data = request.POST
        if "add_row" in data:
            more = _with_one_more_row(data)
            form = ScorecardForm(more or data, segments=self._segments(scorecard))
            formset = MeasureFormSet(more or data, prefix=MEASURES_PREFIX)
            if more is None:  # a tampered row count: nothing added, nothing saved
                general = [_("The form came back with a broken row count: reload the page.")]
                return self._render(request, scorecard, form, formset, general, status=400)
            return self._render(request, scorecard, form, formset)
        form = ScorecardForm(data, segments=self._segments(scorecard))
        formset = MeasureFormSet(data, prefix=MEASURES_PREFIX)
        if not (form.is_valid() & formset.is_valid()):
            return self._render(request, scorecard, form, formset, status=400)
        kept = kept_measure_forms(formset)
        fields = {k: v for k, v in form.cleaned_data.items() if k != "note"}
        common = {
            "tenant": request.tenant,
            "measures": [f.as_measure() for f in kept],
            "created_by": request.membership,
            "note": form.cleaned_data["note"],
        }
        try:
            if scorecard is None:
                scorecard = scorecard_create(**common, **fields)
            else:
                scorecard = scorecard_update(scorecard=scorecard, **common, **fields)
        except ValidationError as error:
            general = service_errors_to_forms(error, form, kept)
            return self._render(request, scorecard, form, formset, general, status=400)
        messages.success(request, _("Saved: version %(number)s.") % {"number": scorecard.version})
        return redirect("scorecard", pk=scorecard.pk)


def _with_one_more_row(data: QueryDict) -> QueryDict | None:
    """The data with one more row, or None when the row count sent is not a number."""
    key = f"{MEASURES_PREFIX}-TOTAL_FORMS"
    value = data.get(key, "0")
    # isdigit() accepts "²", which int() refuses: only ASCII decimals are a count.
    if not (value.isascii() and value.isdecimal()):
        return None
    data = data.copy()
    data[key] = str(min(int(value) + 1, MeasureFormSet.max_num))
    return data


class ScorecardDeleteView(TenantManageView):
    template_name = "health/scorecard_delete.html"

    def get(self, request, pk, error=None, status=200):
        scorecard = get_object_or_404(Scorecard.objects, pk=pk)
        context = {"scorecard": scorecard, "error": error}
        return render(request, self.template_name, context, status=status)

    def post(self, request, pk):
        scorecard = get_object_or_404(Scorecard.objects, pk=pk)
        try:
            scorecard_delete(tenant=request.tenant, scorecard=scorecard)
        except ValidationError as error:
            return self.get(request, pk, error=" ".join(error.messages), status=400)
        messages.success(request, _("Scorecard %(name)s deleted.") % {"name": scorecard.name})
        return redirect("scorecards")
