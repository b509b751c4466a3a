"""Tenant: one SaaS company using csplatform; the root of every tenant-owned row."""

import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "Use 1-50 lowercase letters, digits and hyphens, not starting or ending with a hyphen.",
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. Europe/Bucharest).")


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(f"{value!r} is not a three-letter ISO 4217 code (e.g. USD).")


class Tenant(models.Model):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(
        max_length=50, unique=True, validators=[slug_validator], verbose_name=_("slug")
    )
    time_zone = models.CharField(
        max_length=64, default="UTC", validators=[validate_time_zone], verbose_name=_("time zone")
    )
    currency = models.CharField(
        max_length=3, default="USD", validators=[validate_currency], verbose_name=_("currency")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    # Settings that change metric definitions (shared/metric definitions: the defaults).
    renewal_grace_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("Days after a term ends within which a new term counts as its renewal."),
        verbose_name=_("renewal grace days"),
    )
    gross_margin = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal("1"))],
        help_text=_("Gross margin used for LTV, as a fraction (1 = 100%)."),
        verbose_name=_("gross margin"),
    )
    adoption_min_days = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_(
            "Distinct days with a core feature in trailing 30 days for an adopted account."
        ),
        verbose_name=_("adoption min days"),
    )
    nps_window_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=_("Trailing days whose NPS answers count (each contact's latest)."),
        verbose_name=_("NPS window days"),
    )
    activation_event = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The event that marks an account as activated (its onboarding milestone)."),
        verbose_name=_("activation event"),
    )
    first_value_event = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The event that marks an account's first value (for time to first value)."),
        verbose_name=_("first value event"),
    )

    class Meta:
        verbose_name = _("tenant")
        verbose_name_plural = _("tenants")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def today(self) -> date:
        """The tenant's local date now: "today" on every page and list."""
        return datetime.now(zoneinfo.ZoneInfo(self.time_zone)).date()
