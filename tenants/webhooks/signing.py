"""Standard Webhooks signatures: `whsec_` secrets and the `webhook-*` headers.

The signature is `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`, made by the
`standardwebhooks` library, the one receivers verify with. During a rotation the previous
secret signs too: both signatures are sent, space-separated.
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(
    *, msg_id: str, timestamp: datetime, body: str, secrets_in_use: list[str]
) -> dict[str, str]:
    """The three headers of one attempt; one signature per secret in use."""
    signatures = [Webhook(secret).sign(msg_id, timestamp, body) for secret in secrets_in_use]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
