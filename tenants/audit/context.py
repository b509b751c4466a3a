"""Who acts: the middleware of django-auditlog records the signed-in user; an API request's
actor is its key, known only once the API has authenticated it."""

from auditlog.context import set_extra_data


def acting_api_key(api_key):
    """Entries written inside this block name `api_key` as their actor."""
    return set_extra_data(context_data={"actor": None, "api_key": api_key})
