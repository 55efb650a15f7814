"""The small exception hierarchy of spoken-rituals.

Every error a user can cause (a bad file, a bad command, a busy journal, a missing device) is a
``RitualsError`` whose message is one line that says what to do. The CLI prints that line and exits;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class RitualsError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to the user."""


class DataFileError(RitualsError):
    """A ritual, prompt or intent file is malformed; the message names the file, line and field."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class ConfigError(RitualsError):
    """The config file cannot be read or holds a wrong value."""


class JournalError(RitualsError):
    """The session journal is locked, damaged or cannot be written."""


class UnknownRitualError(RitualsError):
    """A ritual name matched nothing; carries the closest suggestions."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No ritual called '{name}'.{hint} Run 'rituals list' to see them all.")
        self.suggestions = suggestions


class AudioError(RitualsError):
    """A microphone, speaker, audio file or speech engine failed."""


class DataDirError(RitualsError):
    """The data directory cannot be written (read-only), so a command that writes cannot run."""
