"""The definitions page: what every KPI counts, and the tenant settings that shape it.

Tooltips on the KPI page link here (`/metrics/definitions/#<metric name>`).
"""

from dataclasses import dataclass

from django.shortcuts import render

from metrics.definitions import DAILY, MONTHLY, Metric
from tenants.tenancy.views import TenantView


@dataclass(frozen=True)
class Setting:
    anchor: str
    label: str
    value: str
    meaning: str


def tenant_settings(tenant) -> dict[str, Setting]:
    help_text = {field.name: str(field.help_text) for field in tenant._meta.fields}

    def days(count: int) -> str:
        return f"{count} day{'s' if count != 1 else ''}"

    entries = [
        ("renewal_grace_days", "Renewal grace window", days(tenant.renewal_grace_days)),
        ("gross_margin", "Gross margin", f"{tenant.gross_margin * 100:.1f}%"),
        ("adoption_min_days", "Adoption threshold", days(tenant.adoption_min_days)),
        ("nps_window_days", "NPS window", days(tenant.nps_window_days)),
        ("activation_event", "Activation event", tenant.activation_event or "not set"),
        ("first_value_event", "First-value event", tenant.first_value_event or "not set"),
        ("time_zone", "Time zone", tenant.time_zone),
        ("currency", "Currency", tenant.currency),
    ]
    meanings = {
        "time_zone": "Days and months are calendar periods in this time zone.",
        "currency": "Money figures are amounts in this currency.",
    }
    return {
        name: Setting(
            f"setting-{name.replace('_', '-')}", label, value, meanings.get(name, help_text[name])
        )
        for name, label, value in entries
    }


# Tenant settings each metric depends on (the time zone shapes every one of them).
METRIC_SETTINGS = {
    "active_accounts": ["renewal_grace_days"],
    "mrr": ["renewal_grace_days", "currency"],
    "arr": ["renewal_grace_days", "currency"],
    "arpu": ["renewal_grace_days", "currency"],
    "ltv": ["gross_margin", "renewal_grace_days", "currency"],
    "nps": ["nps_window_days"],
    "adoption_rate": ["adoption_min_days", "renewal_grace_days"],
    "arr_per_csm": ["renewal_grace_days", "currency"],
    "logo_churn_rate": ["renewal_grace_days"],
    "grr": ["renewal_grace_days"],
    "nrr": ["renewal_grace_days"],
    "renewal_rate": ["renewal_grace_days"],
    "renewal_revenue_rate": ["renewal_grace_days"],
    "activation_rate": ["activation_event"],
    "ttfv_median_days": ["first_value_event"],
    "cac": ["currency"],
    "ltv_to_cac": ["gross_margin", "renewal_grace_days"],
    "churned_accounts": ["renewal_grace_days"],
}


def _entries(metrics: dict[str, Metric], settings: dict[str, Setting]) -> list[dict]:
    return [
        {"metric": metric, "settings": [settings[name] for name in METRIC_SETTINGS.get(key, [])]}
        for key, metric in metrics.items()
    ]


class MetricDefinitionsView(TenantView):
    template_name = "metrics/definitions.html"

    def get(self, request):
        settings = tenant_settings(request.tenant)
        context = {
            "settings": settings.values(),
            "daily": _entries(DAILY, settings),
            "monthly": _entries(MONTHLY, settings),
        }
        return render(request, self.template_name, context)
