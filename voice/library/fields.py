"""Reading one YAML mapping of a data file, field by field, with errors that name the file and line.

The ritual schema and every step type read their fields through ``FieldReader``, so each rule for a
field kind (non-empty text, a positive number, a flag, the placeholders a text may use) is written once.
"""

from __future__ import annotations

import string
from typing import Any

from voice.errors import DataFileError
from voice.library.yamlio import LineDict


def check_placeholders(path: str, line: int | None, label: str, text: str, allowed: frozenset[str]) -> None:
    """Raise ``DataFileError`` when ``text`` has unbalanced braces or a ``{placeholder}`` it is not given."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise DataFileError(path, f"{label}: unbalanced braces in text ({exc})", line) from exc
    unknown = names - allowed
    if unknown:
        given = ", ".join("{" + p + "}" for p in sorted(allowed))
        raise DataFileError(path, f"{label}: unknown placeholder {{{sorted(unknown)[0]}}} "
                            + (f"(allowed: {given})" if given else "(this text takes no placeholders)"), line)


def fill_round(text: str, round_no: int | None) -> str:
    """``{round}`` is known when a repeat block is unrolled; the other placeholders are filled per session."""
    return text.replace("{round}", str(round_no)) if round_no is not None else text


class FieldReader:
    """Validates one YAML mapping, raising errors that name the file, the line and the field.

    ``names``: the placeholders its texts are given; ``round_no``: the round of the repeat block it
    is in (then ``{round}`` may be used too and is filled in here)."""

    def __init__(self, path: str, data: Any, where: str, names: frozenset[str] = frozenset(),
                 round_no: int | None = None) -> None:
        self.path = path
        if not isinstance(data, LineDict):
            line = getattr(data, "line", None)
            raise DataFileError(path, f"{where} must be a mapping of fields", line)
        self.data = data
        self.where = where
        self.names = names | {"round"} if round_no is not None else names
        self.round_no = round_no

    def fail(self, key: str | None, message: str) -> DataFileError:
        line = self.data.line_of(key) if key else self.data.line
        label = f"{self.where}.{key}" if key else self.where
        return DataFileError(self.path, f"{label}: {message}", line)

    def reject_unknown(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                raise self.fail(key, f"unknown field (allowed: {', '.join(sorted(allowed))})")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(None, f"missing field '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be non-empty text")
        check_placeholders(self.path, self.data.line_of(key), f"{self.where}.{key}", value, self.names)
        return fill_round(value.strip(), self.round_no)

    def number(self, key: str, default: float | None = None, low: float = 0.0) -> float:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(None, f"missing field '{key}'")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= low:
            raise self.fail(key, f"must be a number greater than {low:g}")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value
