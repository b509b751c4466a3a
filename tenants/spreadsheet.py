"""Cells of the CSV files people open in spreadsheets (OWASP "CSV injection"): a cell that
starts like a formula (ASCII or full-width) is written with a leading apostrophe, so it is
shown, never run, and reading the file back removes it again."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def escape_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
