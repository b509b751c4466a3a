"""The tenant boundary: one context, one model base, one view base, one viewset base.

Everything tenant-owned goes through these; nothing filters by tenant by hand.
"""
