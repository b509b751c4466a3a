"""A dependency-free progress bar for long commands, drawn on stderr.

On a terminal it redraws one line; elsewhere (logs, CI, tests) it prints a line per tenth.
"""

import time
from collections.abc import Callable


class ProgressBar:
    WIDTH = 30

    def __init__(
        self, write: Callable[[str], None], *, tty: bool, label: str, unit: str, interval=0.2
    ):
        """`write` must not add a newline (Django's OutputWrapper: `write(s, ending="")`)."""
        self.write, self.tty = write, tty
        self.label, self.unit, self.interval = label, unit, interval
        self.started = time.monotonic()
        self._drawn_at = 0.0
        self._tenth = -1

    def update(self, done: int, total: int, extra: str = "") -> None:
        now = time.monotonic()
        finished = done >= total
        if self.tty:
            if not finished and now - self._drawn_at < self.interval:
                return
            self._drawn_at = now
            self.write("\r" + self._line(done, total, extra, now) + ("\n" if finished else ""))
        else:
            tenth = done * 10 // max(total, 1)
            if tenth == self._tenth:
                return
            self._tenth = tenth
            self.write(self._line(done, total, extra, now) + "\n")

    def _line(self, done: int, total: int, extra: str, now: float) -> str:
        share = done / max(total, 1)
        filled = int(share * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        elapsed = now - self.started
        eta = elapsed / share - elapsed if share else 0.0
        tail = f" {extra}" if extra else ""
        return (
            f"{self.label} [{bar}] {done:,}/{total:,} {self.unit} {share:4.0%} "
            f"{_clock(elapsed)} elapsed, {_clock(eta)} left{tail}"
        )


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes:d}:{seconds:02d}"
