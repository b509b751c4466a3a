"""Segment-style authentication: the tenant's API key as the HTTP Basic user name.

Segment's libraries send `Authorization: Basic base64("<write key>:")`; the key is checked
exactly as a Bearer key is (tenants.api.authentication.authenticate_key).
"""

import base64
import binascii

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tenants.api.authentication import APIKeyPrincipal, authenticate_key


class SegmentBasicAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request)
        scheme, _, credentials = header.partition(b" ")
        if scheme.lower() != b"basic":
            return None
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed("Malformed Basic credentials.") from None
        key, _, _password = decoded.partition(":")  # the password is empty (ignored)
        api_key = authenticate_key(key)
        return APIKeyPrincipal(api_key), api_key

    def authenticate_header(self, request):
        return 'Basic realm="csplatform"'


class SegmentBasicAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "metrics.api.segment_auth.SegmentBasicAuthentication"
    name = "SegmentBasicAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": (
                "Segment-compatible: a tenant API key as the user name and an empty password "
                "(what Segment's libraries send for their write key)."
            ),
        }
