"""The admin site's labels come out in the reader's language: every model of the product's
apps names itself, its fields, their help texts and their choices with lazy translations.

A plain string here would show English on an otherwise translated page. Labels of Django's
own fields (the automatic `id`) and of fields declared by a third-party abstract model
(django-auditlog's log entry, djangorestframework-api-key's key) belong to those projects.
Language names in a language list are written in their own language (the switch shows
"Русский" to everyone), so such choices are left as they are.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from accounts.models import ImportJob
from tenants.tenancy.context import tenant_scope

APPS = ["tenants", "accounts", "health", "metrics", "onboarding", "knowledgebase"]
LANGUAGE_NAMES = {name for _code, name in settings.LANGUAGES}


def _declared_by_another_project(model, field) -> bool:
    for parent in model.__mro__[1:]:
        meta = getattr(parent, "_meta", None)
        if meta is None or not meta.abstract:
            continue
        if parent.__module__.split(".")[0] not in APPS and field.name in {
            f.name for f in meta.local_fields
        }:
            return True
    return False


def _unmarked(model) -> list[str]:
    found = []
    for option in ("verbose_name", "verbose_name_plural"):
        if not isinstance(getattr(model._meta, option), Promise):
            found.append(f"Meta.{option}")
    for field in model._meta.get_fields():
        if not field.concrete or field.auto_created or _declared_by_another_project(model, field):
            continue
        if not isinstance(field.verbose_name, Promise):
            found.append(f"{field.name}: verbose_name {field.verbose_name!r}")
        if field.help_text and not isinstance(field.help_text, Promise):
            found.append(f"{field.name}: help_text {field.help_text!r}")
        for _value, label in field.flatchoices or []:
            if not isinstance(label, Promise) and label not in LANGUAGE_NAMES:
                found.append(f"{field.name}: choice {label!r}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_model_labels_are_marked_for_translation(app):
    unmarked = {
        model.__name__: problems
        for model in apps.get_app_config(app).get_models()
        if (problems := _unmarked(model))
    }
    assert not unmarked, f"labels not marked with gettext_lazy: {unmarked}"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans", "ru", "ro"])
def test_the_admin_site_shows_the_labels_in_the_readers_language(tenant, owner_client, language):
    with tenant_scope(tenant):
        ImportJob.objects.create(
            kind="accounts", original_filename="a.csv", content="", status="validated"
        )
    with translation.override(language):
        column = capfirst(translation.gettext("original filename"))
        status = translation.gettext("Ready to apply")
    assert language == "en" or column != "Original filename", f"no {language} translation"

    page = owner_client.get("/admin/accounts/importjob/", HTTP_ACCEPT_LANGUAGE=language)

    assert page.status_code == 200
    assert column in page.content.decode()
    assert status in page.content.decode()
