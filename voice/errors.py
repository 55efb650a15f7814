"""The small exception hierarchy of spoken-rituals.

Every error a user can cause (a bad file, a bad command, a busy journal, a missing device) is a
``RitualsError`` whose message is one line that says what to do. The CLI prints that line and exits.
Anything else is a bug: the user still sees one line (``describe_bug``) and the traceback goes to a
log file in the data directory, for whoever fixes it.
"""

from __future__ import annotations

import traceback
from pathlib import Path

BUG_STATUS = 70
"""Exit status of a bug (``EX_SOFTWARE``): a user's mistake exits 2."""

BUG_LOG = "errors.log"
LOG_LIMIT = 200_000
"""Bytes of the bug log kept: a device that runs for months must not fill its disk."""


class RitualsError(Exception):
    """Base class: ``str(error)`` is the one-line message shown to the user."""

    exit_status = 2
    """What the CLI exits with after printing the message."""


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


class EventError(JournalError):
    """A journal event cannot be read as one of the kinds this version knows: an unknown kind, details
    that are not that kind's, or an event written by a newer spoken-rituals. ``reason`` is the why
    alone, for a caller that says where the event was and what to do in its own words."""

    def __init__(self, kind: str, reason: str, newer: bool = False) -> None:
        advice = ("upgrade spoken-rituals to read it" if newer else
                  "run 'rituals journal check', then 'rituals journal restore' to bring back the newest backup")
        super().__init__(f"A journal event ({kind!r}) cannot be read: {reason}; {advice}.")
        self.kind = kind
        self.reason = reason
        self.newer = newer


class UnknownRitualError(RitualsError):
    """A ritual name matched nothing; carries the closest suggestions."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No ritual called '{name}'.{hint} Run 'rituals list' to see them all.")
        self.suggestions = suggestions


class AudioError(RitualsError):
    """A microphone, speaker, audio file or speech engine failed."""


class NoDeviceError(AudioError):
    """This machine has no microphone or no speaker at all: nothing failed, the skill cannot listen
    here. Its own exit status lets ``make run`` end cleanly after the pointer to ``--input`` and
    ``demo`` instead of reporting an error."""

    exit_status = 3


def describe_bug(exc: BaseException, data_dir: Path) -> str:
    """The one line shown for an unexpected error; its traceback is appended to ``data_dir/errors.log``.
    Nothing saved is touched: the journal commits each write on its own."""
    log = data_dir / BUG_LOG
    text = "".join(traceback.format_exception(exc))
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        old = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
        log.write_text((old + text)[-LOG_LIMIT:], encoding="utf-8")
        where = f"the details are in {log}"
    except OSError:
        where = "the details could not be saved"
    return (f"something went wrong inside rituals ({type(exc).__name__}); nothing saved was lost, {where}. "
            "Please report it.")


class OptionError(RitualsError):
    """A command-line option has a value (or a combination) that cannot work; the message names the
    option and what to give instead."""


class DataDirError(RitualsError):
    """The data directory cannot be written (read-only), so a command that writes cannot run."""
