"""The nightly run's garbage-collection pause (health/gc_pause.py): earlier objects are
frozen for the block only, and a freeze made before it is left as it was."""

import gc

from health.gc_pause import earlier_objects_frozen


def test_earlier_objects_frozen_for_the_block_only():
    assert gc.get_freeze_count() == 0
    with earlier_objects_frozen():
        assert gc.get_freeze_count() > 0
        made_within = [[n] for n in range(10)]  # new objects stay collectable
        assert gc.is_tracked(made_within)
    assert gc.get_freeze_count() == 0


def test_an_earlier_freeze_is_left_in_place():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with earlier_objects_frozen():
            assert gc.get_freeze_count() == frozen
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_unfrozen_after_an_error():
    try:
        with earlier_objects_frozen():
            raise ValueError("a run that fails")
    except ValueError:
        pass
    assert gc.get_freeze_count() == 0
