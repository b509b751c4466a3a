"""Garbage collection during a tenant's nightly run: the objects the process held before it
are left out of the run's full collections.

A nightly run allocates a few objects per account (raw values, scores, facts), hundreds of
thousands in all, and CPython runs a full collection every so many of them; each walks
every object the process holds, the modules' among them (Django, pandas, numpy: over
100,000 objects, tens of milliseconds a walk, several walks a run). Frozen (gc.freeze),
those are skipped until the run ends; nothing is leaked, they are collected as before
afterwards.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def earlier_objects_frozen() -> Iterator[None]:
    """Within the block, full collections walk only the objects made within it."""
    if gc.get_freeze_count():
        # Frozen already (a web worker froze its start-up objects, csplatform/wsgi.py, or an
        # enclosing block did): unfreezing here would undo that.
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
