"""Path converters. `<id:...>` is Django's `<int:...>` bounded to what a database id can be: a
number past 2^63 - 1 in a URL would otherwise reach the database and fail there (OverflowError on
SQLite, a DataError on PostgreSQL) as a 500; here it does not match, so it is a plain 404."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BIGINT, and so the largest primary key


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError  # Django reads it as "this route does not match"
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def parse_id(value: object) -> int | None:
    """An id sent in a form or a query string, or None when it cannot be one (not a whole
    number, or past what the database holds): pages then answer a field message or 404, never
    a ValueError or OverflowError from the database."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None
