"""What every management command shares: the role it acts as (`ApplicationCommand`, or
`OwnerCommand` for maintenance), errors that name the problem, date options, and a progress
bar (tqdm) on standard error."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from tqdm import tqdm

from tenants.db.session import database_owner, entry_point

# A non-terminal (a log file, CI) gets a new line at most this often, not a redraw per step.
LOG_INTERVAL_SECONDS = 10.0
BAR_FORMAT = (
    "{desc} {percentage:3.0f}% |{bar:30}| {n_fmt}/{total_fmt} {unit} "
    "[{elapsed} elapsed, {remaining} left]{postfix}"
)


def command_error(error: ValidationError) -> CommandError:
    if hasattr(error, "error_dict"):
        lines = [f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()]
    else:
        lines = error.messages
    return CommandError("; ".join(lines))


def date_option(option: str, value: str | None) -> date | None:
    """The date given to `option` (None when not given), or an error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date like 2026-03-31, got {value!r}.") from None


class _Stream:
    """A command's OutputWrapper as the plain file tqdm writes to (no added newline, no red)."""

    def __init__(self, wrapper: OutputWrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, style_func=str, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


class Progress:
    """A progress bar whose total is learnt from the first report: `update(done, total)`."""

    def __init__(self, stderr: OutputWrapper, *, label: str, unit: str):
        tty = stderr.isatty()
        self.bar = tqdm(
            total=None,
            file=_Stream(stderr),
            desc=label,
            unit=unit,
            bar_format=BAR_FORMAT,
            ascii=not tty,
            dynamic_ncols=False,
            mininterval=0.2 if tty else LOG_INTERVAL_SECONDS,
        )

    def update(self, done: int, total: int, extra: str = "") -> None:
        if self.bar.total != total:
            self.bar.total = total
        if extra:
            self.bar.set_postfix_str(extra, refresh=False)
        self.bar.update(done - self.bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        self.bar.close()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ApplicationCommand(BaseCommand):
    """The base of the project's commands: each run is an entry point of the application, as
    the application role with no tenant active until the command sets one (tenant_scope),
    like a request or a task; its connection is handed back clean."""

    def execute(self, *args, **options):
        with entry_point():
            return super().execute(*args, **options)


class OwnerCommand:
    """Mixed into maintenance commands (migrate, flush, makemigrations): they act as the
    login role that owns the tables, beyond row-level security."""

    def execute(self, *args, **options):
        with database_owner():
            return super().execute(*args, **options)
