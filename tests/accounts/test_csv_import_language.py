"""The CSV import's messages are in the uploader's language: the checks run in a task after
the upload, so they follow the uploader's saved preference, not whichever language the
worker happens to have active."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import ImportJob
from tenants.services.user_preferences import user_language_set

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans", "ru", "ro"]


def _in(language: str, text: str) -> str:
    with translation.override(language):
        translated = translation.gettext(text)
    assert language == "en" or translated != text, f"{text!r} has no {language} translation"
    return translated


@pytest.mark.parametrize("language", LANGUAGES)
def test_row_errors_are_in_the_uploaders_language(
    tenant, member, member_client, django_capture_on_commit_callbacks, language
):
    user_language_set(user=member, language=language)
    content = b"external_id,name\nacc-1,A\nacc-1,B\n"
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/data/",
            {"kind": "accounts", "file": SimpleUploadedFile("d.csv", content, "text/csv")},
        )

    job = ImportJob.objects.for_tenant(tenant).latest("id")

    assert job.status == ImportJob.Status.INVALID
    expected = _in(
        language,
        "Lines %(first)d and %(line)d have the same external_id %(external_id)s; keep one of them.",
    ) % {"first": 2, "line": 3, "external_id": "'acc-1'"}
    assert [error["message"] for error in job.errors] == [expected]


def test_without_a_saved_choice_the_messages_follow_the_browsers_language(
    tenant, member, member_client, django_capture_on_commit_callbacks
):
    content = b"external_id,name\nacc-1,A\nacc-1,B\n"
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            "/data/",
            {"kind": "accounts", "file": SimpleUploadedFile("d.csv", content, "text/csv")},
            HTTP_ACCEPT_LANGUAGE="ru",
        )

    job = ImportJob.objects.for_tenant(tenant).latest("id")

    assert job.language == "ru"
    expected = _in(
        "ru",
        "Lines %(first)d and %(line)d have the same external_id %(external_id)s; keep one of them.",
    ) % {"first": 2, "line": 3, "external_id": "'acc-1'"}
    assert [error["message"] for error in job.errors] == [expected]
