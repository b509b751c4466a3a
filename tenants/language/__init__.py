"""The language a signed-in person reads pages in: their own choice, kept with their session.

The choice is stored in UserPreference, copied into the session when they sign in, and read
from the session on each request, so that pages cost no query for it.
"""
