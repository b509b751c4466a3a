"""Fixtures of the onboarding tests. `portal`: a customer being onboarded, as the portal tests
need it: Initech (owned by the CSM) with
a running plan of a customer step that reaches "first value", a second customer step, a
CSM step and an automatic one, and Olga, a Russian-speaking contact with a portal link.
Hooli, another account of the same tenant, has a plan of its own."""

from dataclasses import dataclass

import pytest

from accounts.models import Account, Contact
from onboarding.models import PlanStep, PortalLink
from onboarding.services.plans import plan_start
from onboarding.services.portal_links import portal_link_create
from onboarding.services.templates import template_save
from tenants.models import Membership
from tenants.tenancy.context import tenant_scope

STEPS = [
    {"key": "invite", "title": {"en": "Invite your team", "ru": "Пригласите команду"},
     "help": {"en": "Add two colleagues.", "ru": "Добавьте двух коллег."},
     "article_key": "https://docs.example.com/invite", "completed_by": "customer"},
    {"key": "import", "title": {"en": "Import your data"}, "article_key": "import-data",
     "completed_by": "customer"},
    {"key": "call", "title": {"en": "Kickoff call"}, "completed_by": "csm"},
    {"key": "sync", "title": {"en": "Connect data"}, "completed_by": "event",
     "event_name": "data_synced"},
]  # fmt: skip


@dataclass
class Portal:
    tenant: object
    account: Account
    other_account: Account
    contact: Contact
    other_contact: Contact
    link: PortalLink
    url: str
    path: str
    csm: Membership

    def steps(self, account=None):
        with tenant_scope(self.tenant):
            rows = PlanStep.objects.filter(plan__account=account or self.account)
            return {step.key: step for step in rows}


@pytest.fixture
def portal(tenant, member, settings):
    template_save(tenant=tenant, name="Default", is_default=True, steps=STEPS,
                  milestones={"first_value": "invite", "activated": "import"})  # fmt: skip
    with tenant_scope(tenant):
        csm = Membership.objects.get(user=member)
        initech = Account.objects.create(external_id="a1", name="Initech", owner=csm)
        hooli = Account.objects.create(external_id="a2", name="Hooli")
        olga = Contact.objects.create(external_id="c1", account=initech, name="Olga",
                                      email="olga@initech.test", language="ru")  # fmt: skip
        bo = Contact.objects.create(external_id="c2", account=hooli, name="Bo",
                                    email="bo@hooli.test")  # fmt: skip
    plan_start(tenant=tenant, account=initech)
    plan_start(tenant=tenant, account=hooli)
    link, url = portal_link_create(tenant=tenant, contact=olga)
    return Portal(tenant=tenant, account=initech, other_account=hooli, contact=olga,
                  other_contact=bo, link=link, url=url,
                  path=url.removeprefix(settings.SITE_URL), csm=csm)  # fmt: skip
