"""docs/operations.md lists every Celery beat entry, with its task and time, and nothing
else; the README links to it."""

import re
from pathlib import Path

from celery.schedules import crontab

from csplatform.celery import app

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "operations.md").read_text()


def _when(schedule) -> str:
    if isinstance(schedule, crontab):
        return "`" + re.fullmatch(r"<crontab: (.*) \(m/h/dM/MY/d\)>", str(schedule))[1] + "`"
    return f"every {int(schedule)} s"


def _table_rows() -> dict[str, tuple[str, str]]:
    section = DOC.split("## Celery beat schedule", 1)[1]
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \| ([^|]+?) \|", section, flags=re.M)
    return {entry: (task, when) for entry, task, when in rows}


def test_the_doc_lists_every_beat_entry_with_its_task_and_time():
    schedule = app.conf.beat_schedule
    expected = {name: (entry["task"], _when(entry["schedule"])) for name, entry in schedule.items()}
    assert _table_rows() == expected


def test_the_readme_links_to_the_operations_guide():
    assert "(docs/operations.md)" in (ROOT / "README.md").read_text()
