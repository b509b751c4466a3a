"""The hosted survey pages behind a contact's personal link: the question with a 0-10
scale and a "why" box, the one-click score links of the email, and the thank-you page.

Anonymous and guarded by the signed token alone: a forged, altered, expired or unknown
link answers 404 saying nothing more. The pages work without JavaScript, speak the
contact's language, and are rate limited per address. A score link records the score
when opened, as the email promises, then offers the "why" box; answering again within the
same send replaces the answer. No CSRF token: the link's token is the secret (as for the
unsubscribe page), and an email client's browser may keep no cookies.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from accounts.services.survey_links import SCORES, invite_for_token, question_text
from accounts.services.surveys import survey_answer
from tenants.public_rate import public_rate_limited


@method_decorator([csrf_exempt, public_rate_limited], name="dispatch")
class SurveyPageView(View):
    template_name = "accounts/survey/answer.html"

    def dispatch(self, request, token, **kwargs):
        self.invite = invite_for_token(token)
        if self.invite is None:
            raise Http404
        self.token = token
        with translation.override(self.invite.contact.language or "en"):
            response = super().dispatch(request, token, **kwargs)
            # The contact's language, not the browser's (LocaleMiddleware keeps a set one).
            response.headers["Content-Language"] = translation.get_language()
            return response

    def page(self, request, *, score=None, preselected=False, errors=None, comment="", status=200):
        invite = self.invite
        answer = invite.answer
        language = translation.get_language()
        context = {
            "company": invite.tenant.name,
            "question": question_text(invite.send.survey, language, invite.tenant),
            "scores": SCORES,
            "chosen": score if score is not None else (answer.score if answer else None),
            "comment": comment or (answer.comment if answer else ""),
            "preselected": preselected,
            "answered": answer is not None,
            "errors": errors or {},
            "token": self.token,
        }
        return render(request, self.template_name, context, status=status)


class SurveyAnswerView(SurveyPageView):
    def get(self, request, token):
        return self.page(request)

    def post(self, request, token):
        raw = request.POST.get("score", "")
        comment = request.POST.get("comment", "")
        try:
            score = int(raw)
        except ValueError:
            score = None
        try:
            if score is None:
                message = translation.gettext("Choose a score from 0 to 10.")
                raise ValidationError({"score": message})
            survey_answer(invite=self.invite, score=score, comment=comment)
        except ValidationError as error:
            return self.page(
                request, score=score, errors=error.message_dict, comment=comment, status=400
            )
        return redirect("survey-thanks", token=token)


class SurveyScoreView(SurveyPageView):
    """A score link of the email: the page with that score chosen, recorded by one click on
    "Send" (mail scanners and link previews open every link of an email, so opening one
    records nothing)."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, token, score):
        if score not in SCORES:
            raise Http404
        return self.page(request, score=score, preselected=True)


class SurveyThanksView(SurveyPageView):
    template_name = "accounts/survey/thanks.html"

    def get(self, request, token):
        if self.invite.answer is None:
            return redirect("survey-answer", token=token)
        return self.page(request)
