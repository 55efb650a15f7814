"""Ritual definitions and the device's own spoken lines, as data.

``load_library()`` reads every ``rituals/*.yaml`` file and ``system.yaml`` of a language's prompts
folder (this one for English, ``ko/`` for Korean, as ``intents/languages/<code>.yaml`` names it), or of a
directory given for tests and custom rituals. See ``README.md`` here for the format.

A broken shipped file is a developer's mistake and fails loudly. A couple's own copy is loaded with
``skip_broken=True``: one typo in one custom ritual leaves that ritual out (``RitualLibrary.skipped``
names its file and line) instead of stopping every command.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from voice.library.places import PROMPTS
from voice.errors import DataFileError, UnknownRitualError
from voice.library.fields import check_placeholders
from voice.library.language import Durations, Language, default_language
from voice.core.normalize import normalize
from voice.core.numbers import NumberWords
from voice.library.yamlio import LineDict, load_yaml

from voice.library.schema import Ritual, parse_ritual

__all__ = ["Ritual", "RitualLibrary", "SystemPrompts", "SYSTEM_LINES", "load_library", "DATA_DIR"]

DATA_DIR = PROMPTS
"""Where the shipped English rituals and system prompts live (inside the installed package)."""

#: Every line the device says on its own behalf -> the exact names it is filled with. A missing key is
#: an error at load, not mid-ritual; so is a line using a name its callers do not give it (each line is
#: checked against its own names, not all of them: "busy: {names}" would load and fail mid-session).
SYSTEM_LINES: dict[str, frozenset[str]] = {key: frozenset(names) for key, names in {
    "help_idle": (), "help_ritual": (), "help_turn": (), "help_ask": (), "help_paused": (),
    "not_understood_idle": (), "not_understood_ask": (), "not_now": (),
    "stopped": (), "nothing_running": (), "paused": (), "resumed": (), "not_paused": (), "skipped": (),
    "time_left": ("time",), "no_timer": (), "turn_time_up": (), "busy": ("ritual",),
    "list_rituals": ("names",), "ended_early": (),
    "unit_minute": (), "unit_minutes": (), "unit_second": (), "unit_seconds": (), "unit_and": (),
    "default_first": (), "default_second": (),
    "answer_count": ("count", "ritual", "period"), "answer_count_one": ("count", "ritual", "period"),
    "answer_last": ("ritual", "when"), "answer_never": ("ritual",),
    "answer_streak": ("ritual", "count", "unit"), "answer_streak_none": (),
    "answer_streak_together": ("count", "unit", "ritual", "best_count", "best_unit"), "apart_noted": (),
    "period_week": (), "period_month": (), "period_today": (),
    "when_today": (), "when_yesterday": (), "when_days_ago": ("count",),
    "unit_day": (), "unit_days": (), "unit_week": (), "unit_weeks": (), "missed_gently": ("count", "unit"),
    "calibrate_intro": (), "calibrate_say": ("who", "phrase"), "calibrate_done": (), "voice_check": (),
    "invitation_offer": ("ritual",), "invitation_again": ("ritual",), "invitation_later": (),
    "invitation_declined": (), "invitation_set_daily": ("time", "ritual"),
    "invitation_set_weekly": ("when", "time", "ritual"), "invitations_removed": (), "invitations_none": (),
    "weekday_monday": (), "weekday_tuesday": (), "weekday_wednesday": (), "weekday_thursday": (),
    "weekday_friday": (), "weekday_saturday": (), "weekday_sunday": (),
    "clock_hour": ("hour",), "clock_hour_minute": ("hour", "minute"),
}.items()}


@dataclass(frozen=True)
class SystemPrompts:
    """The device's own lines (help, pause, time left...), by key."""

    texts: dict[str, str]
    """Key -> text with ``{placeholders}``."""
    durations: Durations | None = None
    """How the language says "3 minutes and 20 seconds" (``voice.core.speech_text``); ``None``: the
    default language's."""

    def get(self, key: str, **values: object) -> str:
        """The line for ``key`` with placeholders filled; every name the line is declared with must be
        given, so a caller that forgets one fails in the tests, not in a couple's edited line."""
        missing = SYSTEM_LINES[key] - set(values)
        if missing:
            raise ValueError(f"system line {key} needs {{{sorted(missing)[0]}}}")
        return self.texts[key].format(**values)


def load_system_prompts(path: Path, fallback: SystemPrompts | None = None,
                        durations: Durations | None = None) -> SystemPrompts:
    """Read and validate ``system.yaml``; a key it lacks is taken from ``fallback`` when given (a
    couple's copy made before a line was added keeps working), else it is an error."""
    data = load_yaml(path)
    if not isinstance(data, LineDict):
        raise DataFileError(str(path), "must be a mapping of key: text", getattr(data, "line", None))
    for key, text in data.items():
        if key not in SYSTEM_LINES:
            raise DataFileError(str(path), f"unknown key '{key}'", data.line_of(key))
        if not isinstance(text, str) or not text.strip():
            raise DataFileError(str(path), f"{key}: must be non-empty text", data.line_of(key))
        check_placeholders(str(path), data.line_of(key), key, text, SYSTEM_LINES[key])
    texts = {k: str(v).strip() for k, v in data.items()}
    missing = sorted(set(SYSTEM_LINES) - set(data))
    if missing and fallback is None:
        raise DataFileError(str(path), f"missing key '{missing[0]}'", data.line)
    return SystemPrompts({key: fallback.texts[key] for key in missing} | texts if fallback else texts, durations)


@dataclass(frozen=True)
class RitualLibrary:
    """All rituals by id, plus the system lines."""

    rituals: dict[str, Ritual]
    """Ritual id -> ritual, in file-name order."""
    system: SystemPrompts
    """The device's own lines."""
    skipped: tuple[DataFileError, ...] = ()
    """Ritual files left out because they are broken (only with ``skip_broken``), each error naming
    its file and line."""
    numbers: NumberWords | None = None
    """The language's number words, for names typed with digits ("6 second kiss")."""

    def get(self, ritual_id: str) -> Ritual:
        return self.rituals[ritual_id]

    def spoken_names(self) -> dict[str, str]:
        """Every name and alias a ritual is called by -> its id (the intents' ``{ritual}`` slot)."""
        return {name: r.id for r in self.rituals.values() for name in r.spoken_names}

    def find(self, name: str) -> Ritual:
        """A ritual by id, name or alias, typed loosely; ``UnknownRitualError`` with suggestions."""
        wanted = normalize(name, self.numbers)
        by_name: dict[str, str] = {}
        for ritual in self.rituals.values():
            for spoken in (ritual.id, *ritual.spoken_names):
                by_name.setdefault(normalize(spoken, self.numbers), ritual.id)
        if wanted in by_name:
            return self.rituals[by_name[wanted]]
        close = process.extract(wanted, list(by_name), scorer=fuzz.WRatio, limit=8, score_cutoff=60)
        suggestions: list[str] = []
        for choice, _score, _ in close:
            rid = by_name[choice]
            if rid not in suggestions:
                suggestions.append(rid)
        raise UnknownRitualError(name, suggestions[:3])


def load_library(directory: Path | None = None, skip_broken: bool = False,
                 language: Language | None = None) -> RitualLibrary:
    """Load ``rituals/*.yaml`` and ``system.yaml`` from ``directory`` (default: the shipped prompts of
    ``language``, itself by default the default language).

    ``skip_broken``: a ritual file that does not load (or takes a name another ritual already has)
    is left out and listed in ``skipped``; the library still fails when no ritual at all loads,
    since nothing could run, and when ``system.yaml`` is broken, since every command speaks from it.
    """
    language = language or default_language()
    base = directory or language.prompts
    ritual_dir = base / "rituals"
    files = sorted(ritual_dir.glob("*.yaml"))
    if not files:
        raise DataFileError(str(ritual_dir), "no ritual files (*.yaml) found: reinstall or restore them")
    rituals: dict[str, Ritual] = {}
    names: dict[str, str] = {}
    skipped: list[DataFileError] = []
    for path in files:
        try:
            data = load_yaml(path)
            ritual = parse_ritual(path, data)
            _claim_names(path, ritual, names, data, language.numbers)
        except DataFileError as exc:
            if not skip_broken:
                raise
            skipped.append(exc)
            continue
        rituals[ritual.id] = ritual
    if not rituals:
        raise skipped[0]
    # A couple's copy made before a line was added takes it from the shipped lines of its language.
    shipped = load_system_prompts(language.prompts / "system.yaml") if base != language.prompts else None
    system = load_system_prompts(base / "system.yaml", shipped, language.durations)
    return RitualLibrary(rituals, system, tuple(skipped), language.numbers)


def _claim_names(path: Path, ritual: Ritual, names: dict[str, str], data: LineDict,
                 numbers: NumberWords) -> None:
    """Record ``ritual``'s spoken names in ``names``; a name another ritual has is an error, and then
    none of this ritual's names are taken (it is left out whole)."""
    mine: dict[str, str] = {}
    for spoken in ritual.spoken_names:
        key = normalize(spoken, numbers)
        if key in names and names[key] != ritual.id:
            field = "name" if spoken == ritual.name else "aliases"
            raise DataFileError(str(path), f"name '{spoken}' is already used by ritual '{names[key]}'",
                                data.line_of(field))
        mine[key] = ritual.id
    names.update(mine)
