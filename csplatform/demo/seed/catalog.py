"""Fixed vocabulary of the demo history: plans, the feature catalog, names and note texts.

Changing anything here changes what a given --seed produces; that is fine (determinism is
per code version), but keep lists in a fixed order, never built from sets.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    name: str
    share: float  # of new accounts
    prices: tuple[int, ...]  # monthly list prices, in whole currency units
    contacts: tuple[int, int]  # inclusive range of contacts per account
    yearly_share: float  # of new accounts that sign a yearly term
    health_beta: tuple[float, float]  # Beta(a, b) of the latent health 0..1
    segments: tuple[tuple[str, float], ...]
    cac: int  # cost to win one account: ~10 months of its MRR, so LTV:CAC lands near 5


TIERS = (
    Tier(
        "Starter",
        0.55,
        (49, 79, 99, 149, 199, 249, 299, 399, 449),
        (1, 4),
        0.25,
        (3.0, 2.0),
        (("SMB", 0.9), ("Mid-market", 0.1)),
        1500,
    ),
    Tier(
        "Growth",
        0.33,
        (500, 650, 800, 950, 1200, 1500, 1800, 2200),
        (3, 10),
        0.55,
        (4.0, 2.0),
        (("SMB", 0.2), ("Mid-market", 0.7), ("Enterprise", 0.1)),
        12000,
    ),
    Tier(
        "Enterprise",
        0.12,
        (2500, 3500, 5000, 7500, 10000, 12500, 15000),
        (8, 20),
        0.95,
        (5.0, 2.0),
        (("Mid-market", 0.2), ("Enterprise", 0.8)),
        60000,
    ),
)
# A renewal above or below these monthly amounts moves the account to another plan.
TIER_FLOORS = (0, 500, 2500)
YEARLY_DISCOUNT = 0.85

# Prices above are in "dollar-like" units; these currencies get a multiplier so the demo
# shows plausible amounts (¥9,900 rather than ¥99).
CURRENCY_SCALE = {
    "JPY": 100,
    "KRW": 1000,
    "INR": 50,
    "CNY": 5,
    "HUF": 300,
    "CZK": 20,
    "SEK": 10,
    "NOK": 10,
    "DKK": 7,
    "PLN": 4,
    "RON": 4,
    "MXN": 15,
    "BRL": 5,
    "ZAR": 15,
    "TRY": 30,
}

# (event name, feature, core, popularity). Core features come first, most adopted first.
FEATURES = (
    ("dashboard_viewed", "Dashboards", True, 30.0),
    ("dashboard_created", "Dashboards", True, 3.0),
    ("report_run", "Reports", True, 14.0),
    ("report_exported", "Reports", True, 4.0),
    ("workflow_run", "Workflows", True, 8.0),
    ("workflow_created", "Workflows", True, 2.0),
    ("data_synced", "Integrations", True, 6.0),
    ("integration_connected", "Integrations", True, 1.0),
    ("search_performed", "Search", False, 10.0),
    ("comment_added", "Collaboration", False, 5.0),
    ("item_shared", "Collaboration", False, 3.0),
    ("alert_created", "Alerts", False, 2.0),
    ("user_invited", "Team management", False, 1.0),
    ("settings_updated", "Settings", False, 1.5),
    ("api_key_created", "API access", False, 0.5),
)
# Weights of the first days, before the account reached value: setting up, no reports yet.
ONBOARDING_WEIGHTS = {
    "dashboard_viewed": 6.0,
    "integration_connected": 6.0,
    "data_synced": 3.0,
    "user_invited": 5.0,
    "settings_updated": 4.0,
    "api_key_created": 1.0,
    "search_performed": 2.0,
}

INDUSTRIES = (
    "Software",
    "Retail",
    "Healthcare",
    "Financial services",
    "Manufacturing",
    "Education",
    "Logistics",
    "Media",
    "Hospitality",
    "Real estate",
    "Energy",
    "Non-profit",
)
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "RO", "ES", "CA", "AU", "SE", "PL", "IE")
EMPLOYEES = {"SMB": (5, 200), "Mid-market": (200, 1000), "Enterprise": (1000, 40000)}

NAME_HEADS = (
    "Blue", "Bright", "North", "Silver", "Red", "Swift", "Green", "Iron", "Clear", "Summit",
    "Harbor", "Cedar", "Maple", "Stone", "River", "Golden", "Pine", "Lumen", "Nova", "Orbit",
    "Atlas", "Beacon", "Crest", "Delta", "Ember", "Falcon", "Granite", "Horizon", "Juniper",
    "Keystone", "Lake", "Meadow", "Oak", "Pioneer", "Quartz", "Ridge", "Sage", "Tidal",
    "Union", "Vector", "West", "Willow", "Zenith", "Arrow", "Copper", "Polar", "Sun", "Echo",
)  # fmt: skip
NAME_TAILS = (
    "peak", "field", "wave", "point", "bridge", "forge", "line", "gate", "works", "path",
    "stack", "loop", "view", "leaf", "light", "mark", "port", "shift", "spring", "wind",
    "rock", "dale", "hub", "craft", "scale", "grid", "yard", "core", "flow", "bay",
)  # fmt: skip
NAME_SUFFIXES = (
    "Labs", "Systems", "Analytics", "Software", "Logistics", "Health", "Partners", "Group",
    "Retail", "Media", "Foods", "Capital", "Studio", "Robotics", "Energy",
)  # fmt: skip
FIRST_NAMES = (
    "Ana", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ioana", "Jonas",
    "Kara", "Liam", "Maria", "Noah", "Olivia", "Pedro", "Quinn", "Rosa", "Sam", "Tara",
    "Umar", "Vera", "Will", "Yuki", "Zoe", "Andrei", "Bianca", "Carlos", "Dana", "Emil",
    "Fiona", "George", "Hana", "Ivan", "Julia", "Kenji", "Lena", "Mihai", "Nina", "Oscar",
    "Priya", "Radu", "Sofia", "Tom", "Uma", "Victor", "Wei", "Xenia", "Yusuf", "Zara",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Popescu", "Garcia", "Müller", "Rossi", "Dubois", "Novak", "Kowalski", "Ionescu",
    "Jensen", "Silva", "Nguyen", "Kim", "Sato", "Patel", "Khan", "Brown", "Martin", "Lopez",
    "Fischer", "Moreau", "Horvat", "Larsen", "Costa", "Chen", "Ito", "Singh", "Ali", "Walsh",
    "Murphy", "Weber", "Bernard", "Dumitru", "Nowak", "Svensson", "Berg", "Romano", "Jones",
    "Taylor", "Wilson",
)  # fmt: skip
TITLES = (
    "Operations Manager", "Head of Data", "Analyst", "CTO", "Product Manager", "Engineer",
    "Marketing Lead", "Finance Manager", "Customer Support Lead", "VP Sales", "Consultant",
    "Office Manager",
)  # fmt: skip
CHAMPION_TITLES = ("Head of Operations", "Director of Analytics", "VP Operations", "COO")

# Reason weights for churners: by key of the default taxonomy; unknown (tenant-added) keys
# get OTHER_REASON_WEIGHT. Low-usage churners mostly never saw the value; healthy ones left
# for reasons outside the product.
REASON_WEIGHTS_AT_RISK = {
    "value_not_realised": 0.35,
    "competitor": 0.2,
    "product_gap": 0.15,
    "budget": 0.15,
    "other": 0.1,
    "out_of_business": 0.05,
}
REASON_WEIGHTS_HEALTHY = {
    "budget": 0.35,
    "out_of_business": 0.2,
    "competitor": 0.2,
    "product_gap": 0.1,
    "value_not_realised": 0.05,
    "other": 0.1,
}
OTHER_REASON_WEIGHT = 0.05
CHURN_NOTES = {
    "competitor": "Moved to a competitor that bundles the reporting with their CRM.",
    "value_not_realised": "Never got past setup; the team did not use the dashboards.",
    "budget": "Budget cut this year; they may come back next fiscal year.",
    "out_of_business": "The company wound down operations.",
    "product_gap": "Missing a feature they needed (multi-currency reports).",
    "other": "Cancelled without giving details.",
}

KICKOFF_NOTES = (
    "Kickoff call with {champion}: goals agreed, integration planned for this week.",
    "Onboarding started; {champion} owns the rollout internally.",
    "Welcome call done. {champion} wants weekly reports for the leadership team.",
)
CHECKIN_GOOD = (
    "Quarterly review with {champion}: happy, asked about more seats.",
    "Check-in: strong adoption of reports and workflows; expansion likely at renewal.",
)
CHECKIN_BAD = (
    "Quarterly review: {champion} says the team struggles to find time for the tool.",
    "Check-in: only the admin logs in regularly; proposed a training session.",
)
RISK_NOTES = (
    "Usage dropping over the last weeks; reached out to {champion}.",
    "At risk: champion {champion} unresponsive, logins down.",
)
NPS_COMMENTS = {
    "promoter": (
        "Great product, saves us hours every week.",
        "The dashboards are exactly what we needed.",
        "Support is fast and helpful.",
    ),
    "passive": (
        "Good overall, reports could be faster.",
        "Does the job; the setup took a while.",
    ),
    "detractor": (
        "Too complicated for our team.",
        "We do not use it much, hard to justify the price.",
        "Missing integrations we need.",
    ),
}
