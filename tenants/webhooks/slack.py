"""The Slack incoming-webhook format: a message's event as one line of text."""

from tenants.webhooks.events import EVENT_TYPES, TEST_EVENT

# Fields of the data shown in the line, in this order, when present.
SHOWN = (
    "account_name",
    "account_external_id",
    "title",
    "milestone",
    "score",
    "band",
    "previous_band",
    "text",
)


def slack_escaped(value) -> str:
    """Text as Slack shows it, never as its markup: a customer's words (a portal question,
    an NPS comment) cannot mention @channel or hide a link behind other text."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(payload: dict) -> dict:
    event_type = payload.get("type", "")
    label = str(EVENT_TYPES.get(event_type, "Test" if event_type == TEST_EVENT else event_type))
    data = payload.get("data") or {}
    facts = [
        f"{key}: {slack_escaped(data[key])}" for key in SHOWN if data.get(key) not in (None, "")
    ]
    text = f"*{label}* (`{event_type}`)"
    if facts:
        text += " — " + ", ".join(facts)
    return {"text": text}
