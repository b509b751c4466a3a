"""The portfolio's filters, sort and search, read from the address: a bad value (a hand-edited
or stale bookmark) is a form error shown on the page, never a server error."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import LifecycleStage
from accounts.models.saved_view import NAME_MAX, QUERY_MAX
from csplatform.workplace.portfolio_selectors import SORTS, PortfolioFilters
from health.models.score import Band

ANYONE, ME, NOBODY = "all", "me", "none"
RENEWAL_WINDOWS = [
    ("", _("Any time")),
    ("30", _("Within 30 days")),
    ("60", _("Within 60 days")),
    ("90", _("Within 90 days")),
    ("180", _("Within 180 days")),
]
TEXT_MAX = 200


def _clean_text(value: str) -> str:
    # NUL cannot reach PostgreSQL text; it is dropped like surrounding spaces.
    return value.replace("\x00", "").strip()


class PortfolioFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=TEXT_MAX, strip=False)
    band = forms.MultipleChoiceField(
        label=_("Health"), required=False, choices=Band.choices, widget=forms.CheckboxSelectMultiple
    )
    segment = forms.CharField(label=_("Segment"), required=False, max_length=TEXT_MAX)
    owner = forms.CharField(label=_("Owner"), required=False, max_length=20)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any stage")), *LifecycleStage.choices]
    )
    renewal = forms.ChoiceField(label=_("Renewal"), required=False, choices=RENEWAL_WINDOWS)
    sort = forms.CharField(
        label=_("Sort order"), required=False, max_length=20, widget=forms.HiddenInput
    )

    def __init__(self, data, *, owners, membership, **kwargs):
        """`owners`: the tenant's memberships (already loaded for the owner menu); a CSM sees
        their own accounts when the address names no owner at all."""
        data = data.copy()
        if "owner" not in data and membership.role == "csm":
            data["owner"] = ME
        super().__init__(data, **kwargs)
        self.membership = membership
        self.owner_ids = {str(m.pk) for m in owners}

    def clean_q(self):
        return _clean_text(self.cleaned_data["q"])

    def clean_segment(self):
        return _clean_text(self.cleaned_data["segment"])

    def clean_owner(self):
        owner = _clean_text(self.cleaned_data["owner"])
        if owner in ("", ANYONE):  # blank: an older address's "anyone"
            return ANYONE
        if owner in (ME, NOBODY) or owner in self.owner_ids:
            return owner
        raise forms.ValidationError(_("Choose an owner from the list."), code="invalid_choice")

    def clean_sort(self):
        sort = _clean_text(self.cleaned_data["sort"]) or "name"
        if sort.removeprefix("-") not in SORTS:
            raise forms.ValidationError(_("This column cannot be sorted."), code="invalid_choice")
        return sort

    def filters(self) -> PortfolioFilters:
        data = self.cleaned_data
        owner = data["owner"]
        return PortfolioFilters(
            search=data["q"],
            bands=tuple(data["band"]),
            segment=data["segment"],
            owner_id=self.membership.pk
            if owner == ME
            else (int(owner) if owner.isdigit() else None),
            unowned=owner == NOBODY,
            stage=data["stage"],
            renewal_days=int(data["renewal"]) if data["renewal"] else None,
            sort=data["sort"].removeprefix("-"),
            descending=data["sort"].startswith("-"),
        )


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    query = forms.CharField(required=False, max_length=QUERY_MAX, widget=forms.HiddenInput)

    def clean_name(self):
        name = _clean_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Give the view a name."), code="required")
        return name

    def clean_query(self):
        return _clean_text(self.cleaned_data["query"]).removeprefix("?")


class SavedViewRenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)

    clean_name = SavedViewForm.clean_name
