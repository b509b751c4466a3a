"""Names and login of the demo tenant that `make run` creates (no Django imports here)."""

DEMO_SLUG = "demo"
DEMO_OWNER = "owner@demo.example"
DEMO_PASSWORD = "demo-owner-pass"
