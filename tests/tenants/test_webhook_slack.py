"""The Slack line of an event shows a customer's words as text, never as Slack markup."""

from tenants.webhooks.slack import slack_body


def test_customer_text_cannot_mention_the_channel_or_hide_a_link():
    payload = {
        "type": "task.opened",
        "data": {
            "account_name": "A & B",
            "title": "<!channel> <https://evil.example|Reset password>",
        },
    }
    text = slack_body(payload)["text"]
    assert "<!channel>" not in text and "<https://" not in text
    assert "&lt;!channel&gt; &lt;https://evil.example|Reset password&gt;" in text
    assert "A &amp; B" in text
