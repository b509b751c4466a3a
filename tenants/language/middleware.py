"""Pages in the signed-in person's own language, when they chose one."""

from django.utils import translation

from tenants.language.session import session_language


class UserLanguageMiddleware:
    """Activates the language the signed-in person chose, over the browser's.

    Runs after LocaleMiddleware (which activated the Accept-Language one) and after
    AuthenticationMiddleware. The API keeps answering in the client's Accept-Language: an
    integration asks for what it parses, whoever owns the key.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            user = getattr(request, "user", None)
            language = session_language(request.session) if user and user.is_authenticated else ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
