"""A per-address request rate limit on the sign-in forms (the site's and the admin's).

django-axes locks a (username, address) pair after repeated failures; this limit also caps
how many sign-in attempts one address may send at all, whatever the names, in Redis through
the cache (django-ratelimit).

With Redis unreachable the limit is not counted and sign-in goes on (logged): people can
still sign in during an outage, and django-axes, which counts failures in the database,
still locks out a (username, address) pair that keeps failing.
"""

from tenants.public_rate import address_rate_limited

# Wraps a sign-in view: past LOGIN_RATE_LIMIT POSTs from one address, answer 429.
login_rate_limited = address_rate_limited(
    group="login", setting="LOGIN_RATE_LIMIT", template="registration/rate_limited.html",
    method="POST", label="Sign-in",
)  # fmt: skip
