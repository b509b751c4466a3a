"""The article admin's own pages: the live Markdown preview (POSTed by
static/knowledgebase/admin_preview.js, answered with the sanitised HTML that readers would
get) and the revision history of each translation, with a line diff against the current
text and a restore button."""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledgebase.admin.base import acting_member, acting_tenant, tenant_zone
from knowledgebase.models import ArticleRevision, ArticleTranslation
from knowledgebase.rendering import render as render_markdown
from knowledgebase.services.articles import MAX_BODY, revision_restore


def preview(model_admin, request):
    """The sanitised HTML of the Markdown in the POSTed `body`."""
    return _preview(request, model_admin=model_admin)


@require_POST
def _preview(request, *, model_admin):
    if acting_tenant(request) is None and not request.user.is_superuser:
        raise PermissionDenied
    if not (model_admin.has_change_permission(request) or model_admin.has_add_permission(request)):
        raise PermissionDenied
    body = request.POST.get("body", "")
    if len(body) > MAX_BODY:
        return JsonResponse(
            {"error": _("The body is longer than %(n)s characters.") % {"n": MAX_BODY}},
            status=400,
        )
    return JsonResponse({"html": render_markdown(body).html})


def _text(item) -> str:
    return "\n".join([item.title, "", item.summary, "", item.body]).strip("\n")


def diff_lines(old: str, new: str) -> list[tuple[str, str]]:
    """(kind, line) pairs of a unified line diff from `old` to `new`: kind is "add",
    "remove", "hunk" or "same"; lines are escaped by the template."""
    lines = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "remove", "@": "hunk"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


def revisions(model_admin, request, object_id):
    article = model_admin.get_object(request, object_id)
    if article is None or not model_admin.has_view_permission(request, article):
        raise Http404
    tenant = acting_tenant(request, article)
    can_restore = model_admin.has_change_permission(request, article)
    here = reverse("admin:knowledgebase_article_revisions", args=[article.pk])
    if request.method == "POST":
        if not can_restore:
            raise PermissionDenied
        raw, revision = request.POST.get("revision", ""), None
        if raw.isascii() and raw.isdigit() and len(raw) < 19:
            revision = (
                ArticleRevision.objects.for_tenant(tenant)
                .select_related("translation__article")
                .filter(pk=int(raw), translation__article=article)
                .first()
            )
        if revision is None:
            raise Http404
        try:
            revision_restore(tenant=tenant, revision=revision,
                             saved_by=acting_member(request, tenant))  # fmt: skip
        except ValidationError as error:
            # The old slug, say, is another article's now: say so, restore nothing.
            for field_messages in error.message_dict.values():
                for message in field_messages:
                    messages.error(request, message)
            return HttpResponseRedirect(here)
        messages.success(
            request,
            _("Revision %(number)s of the %(language)s translation was restored as a new "
              "revision.") % {"number": revision.number,
                              "language": revision.translation.get_language_display()},
        )  # fmt: skip
        return HttpResponseRedirect(here)
    translations = list(
        ArticleTranslation.objects.for_tenant(tenant).filter(article=article).order_by("language")
    )
    revisions_by = {}
    for revision in (
        ArticleRevision.objects.for_tenant(tenant)
        .filter(translation__article=article)
        .select_related("saved_by__user")
        .order_by("translation_id", "-number")
    ):
        revisions_by.setdefault(revision.translation_id, []).append(revision)
    sections = []
    for translation in translations:
        current = _text(translation)
        rows = []
        for revision in revisions_by.get(translation.pk, []):
            text = _text(revision)
            rows.append({
                "revision": revision,
                "by": _member_name(revision.saved_by),
                "current": text == current and revision.slug == translation.slug,
                "diff": diff_lines(text, current),
            })  # fmt: skip
        sections.append({"translation": translation, "rows": rows})
    zone = tenant_zone(request, article)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": article,
        "title": _("Revisions of “%(article)s”") % {"article": _title(translations, article)},
        "article_title": _title(translations, article),
        "sections": sections,
        "can_restore": can_restore,
        "tenant_zone": str(zone),
        "change_url": reverse("admin:knowledgebase_article_change", args=[article.pk]),
    }
    with timezone.override(zone):
        return render(request, "admin/knowledgebase/article/revisions.html", context)


def _member_name(member) -> str:
    if member is None:
        return "—"
    user = member.user
    return user.get_full_name() or user.email or user.get_username()


def _title(translations, article) -> str:
    return translations[0].title if translations else str(article)
