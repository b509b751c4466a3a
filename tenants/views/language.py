"""The language switcher: a signed-in person chooses the language of their pages.

User-level, not tenant data: the choice follows the person into every tenant they belong to.
A plain form POST (no script needed), answered with a redirect back to the page it was sent
from, now in the chosen language.
"""

from django import forms
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View

from tenants.language.session import remember_language
from tenants.services.user_preferences import user_language_set


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Browser language"))] + list(settings.LANGUAGES),
    )


def _safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return next_url


class LanguageSwitchView(LoginRequiredMixin, View):
    template_name = "tenants/language.html"

    def get(self, request):
        initial = {"language": request.session.get("user_language", "")}
        return self._page(request, LanguageForm(initial=initial))

    def post(self, request):
        form = LanguageForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        language = form.cleaned_data["language"]
        try:
            user_language_set(user=request.user, language=language)
        except ValidationError as error:
            form.add_error(None, error)
            return self._page(request, form, status=400)
        remember_language(request.session, language)
        response = redirect(_safe_next(request))
        # Also for the sign-in page after signing out on this browser.
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response

    def _page(self, request, form, status=200):
        context = {"form": form, "next": _safe_next(request)}
        return render(request, self.template_name, context, status=status)
