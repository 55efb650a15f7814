"""The ritual schema: typed steps and rituals, built from YAML with errors naming file and line.

The format is documented for people in ``prompts/README.md``; this module is its single source of
truth for validation.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

from voice.errors import DataFileError
from voice.yamlio import LineDict, LineList

Who = Literal["first", "second"]
Cadence = Literal["daily", "weekly"]

#: Placeholders a spoken text may use; anything else in braces is a typo caught at load time.
PLACEHOLDERS = frozenset({"first", "second", "who", "other", "round", "question"})
CHIMES = frozenset({"start", "end", "soft"})


@dataclass(frozen=True)
class SayStep:
    """Say a prompt, then go on when it has been said."""

    text: str
    """Spoken text; may use ``{first}``, ``{second}``."""
    line: int = 0
    """Line in the ritual file, for messages."""


@dataclass(frozen=True)
class ChimeStep:
    """Play a generated chime."""

    name: str
    """One of ``start``, ``end``, ``soft``."""
    line: int = 0


@dataclass(frozen=True)
class TimerStep:
    """Keep time for something the couple does together (a kiss, a hug, quiet coffee)."""

    seconds: float
    """Exact length of the timer."""
    halfway: str | None = None
    """Said once at the halfway point, unless silent."""
    last_minute: str | None = None
    """Said once when one minute is left (only for timers longer than two minutes), unless silent."""
    silent: bool = False
    """No spoken cues and no countdown: just the time."""
    line: int = 0


@dataclass(frozen=True)
class TurnStep:
    """One partner talks while the other listens; the device only listens for whole commands."""

    who: Who
    """``first`` or ``second`` speaker of this session (who goes first alternates by session)."""
    prompt: str
    """Said to open the turn; for a deck question ``{question}`` stands for the drawn question."""
    max_seconds: float
    """The turn ends here at the latest."""
    end_on_done: bool = True
    """End when the speaker says "I'm done" / "that's it"."""
    end_on_silence: bool = True
    """End after ``silence_seconds`` of quiet (after one gentle hint, if there is one)."""
    silence_seconds: float = 12.0
    """How long a quiet room means the speaker has finished."""
    hint: str | None = None
    """Said once on the first silence, e.g. example words for someone who is stuck."""
    deck: str | None = None
    """When set, ``{question}`` is drawn from this deck of the ritual."""
    line: int = 0


@dataclass(frozen=True)
class AskStep:
    """A yes/no question to the couple; not understood twice means the answer "no"."""

    prompt: str
    yes: str | None = None
    """Said on yes."""
    no: str | None = None
    """Said on no, on silence or when not understood."""
    line: int = 0


Step = Union[SayStep, ChimeStep, TimerStep, TurnStep, AskStep]


@dataclass(frozen=True)
class Ritual:
    """One ritual, loaded from one file in ``prompts/rituals``."""

    id: str
    """Stable identifier, also the file name (``six_second_kiss``)."""
    name: str
    """Spoken name ("six second kiss")."""
    aliases: tuple[str, ...]
    """Other names people use; each one can start the ritual by voice."""
    description: str
    """One line for lists and help."""
    duration_minutes: float
    """Expected length, said when listing."""
    cadence: Cadence
    """``daily`` or ``weekly``: what a streak counts."""
    steps: tuple[Step, ...]
    """Steps, with ``repeat`` blocks already unrolled."""
    decks: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Question decks by name."""
    path: str = ""
    """File it came from."""

    @property
    def spoken_names(self) -> tuple[str, ...]:
        """The name and every alias."""
        return (self.name, *self.aliases)


class _Reader:
    """Validates one YAML mapping, raising errors that name the file, the line and the field."""

    def __init__(self, path: str, data: Any, where: str) -> None:
        self.path = path
        if not isinstance(data, LineDict):
            line = getattr(data, "line", None)
            raise DataFileError(path, f"{where} must be a mapping of fields", line)
        self.data = data
        self.where = where

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
        self.check_placeholders(key, value)
        return value.strip()

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

    def check_placeholders(self, key: str, text: str) -> None:
        check_placeholders(self.path, self.data.line_of(key), f"{self.where}.{key}", text)


def check_placeholders(path: str, line: int | None, label: str, text: str,
                       allowed: frozenset[str] = PLACEHOLDERS) -> None:
    """Raise ``DataFileError`` when ``text`` has unbalanced braces or an unknown ``{placeholder}``."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:
        raise DataFileError(path, f"{label}: unbalanced braces in text ({exc})", line) from exc
    unknown = names - allowed
    if unknown:
        given = ", ".join("{" + p + "}" for p in sorted(allowed))
        raise DataFileError(path, f"{label}: unknown placeholder {{{sorted(unknown)[0]}}} "
                            + (f"(allowed: {given})" if given else "(this text takes no placeholders)"), line)


def _who(reader: _Reader) -> Who:
    who = reader.data.get("who")
    if who not in ("first", "second"):
        raise reader.fail("who" if "who" in reader.data else None, "must be 'first' or 'second'")
    return who  # type: ignore[return-value]


def _parse_step(path: str, item: Any, line: int, where: str, round_no: int | None) -> list[Step]:
    if isinstance(item, LineDict) and len(item) == 1:
        kind, body = next(iter(item.items()))
    else:
        raise DataFileError(path, f"{where}: a step is a mapping with one key: say, chime, timer, "
                            "turn, question, ask or repeat", line)

    def fill(text: str | None) -> str | None:
        # {round} is known when a repeat block is unrolled; the rest are filled per session.
        return text.replace("{round}", str(round_no)) if text and round_no is not None else text

    if kind == "say":
        if not isinstance(body, str) or not body.strip():
            raise DataFileError(path, f"{where}.say: must be non-empty text", line)
        check_placeholders(path, line, f"{where}.say", body)
        return [SayStep(fill(body.strip()) or "", line)]
    if kind == "chime":
        if body not in CHIMES:
            raise DataFileError(path, f"{where}.chime: must be one of {', '.join(sorted(CHIMES))}", line)
        return [ChimeStep(body, line)]
    if kind == "repeat":
        r = _Reader(path, body, f"{where}.repeat")
        r.reject_unknown({"times", "steps"})
        times = int(r.number("times"))
        steps = r.data.get("steps")
        if not isinstance(steps, LineList) or not steps:
            raise r.fail("steps" if "steps" in r.data else None, "must be a non-empty list of steps")
        out: list[Step] = []
        for n in range(1, times + 1):
            for i, (sub, sub_line) in enumerate(zip(steps, steps.item_lines)):
                out.extend(_parse_step(path, sub, sub_line, f"{where}.repeat.steps[{i}]", n))
        return out
    r = _Reader(path, body, f"{where}.{kind}")
    if kind == "timer":
        r.reject_unknown({"seconds", "halfway", "last_minute", "silent"})
        return [TimerStep(r.number("seconds"), fill(r.text("halfway", False)),
                          fill(r.text("last_minute", False)), r.flag("silent", False), line)]
    if kind in ("turn", "question"):
        r.reject_unknown({"who", "prompt", "max_seconds", "end_on", "silence_seconds", "hint", "deck"})
        end_on = r.data.get("end_on", ["done", "silence"])
        if not isinstance(end_on, list) or not end_on or not set(end_on) <= {"done", "silence"}:
            raise r.fail("end_on", "must be a list of 'done' and/or 'silence'")
        deck = r.text("deck", required=kind == "question") if kind == "question" else None
        prompt = r.text("prompt", required=kind == "turn") or "{question}"
        if kind == "turn" and "{question}" in prompt:
            raise r.fail("prompt", "{question} only works in a question step")
        return [TurnStep(_who(r), fill(prompt) or "", r.number("max_seconds", 180.0),
                         "done" in end_on, "silence" in end_on, r.number("silence_seconds", 12.0),
                         fill(r.text("hint", False)), deck, line)]
    if kind == "ask":
        r.reject_unknown({"prompt", "yes", "no"})
        return [AskStep(fill(r.text("prompt")) or "", fill(r.text("yes", False)),
                        fill(r.text("no", False)), line)]
    raise DataFileError(path, f"{where}: unknown step '{kind}' (use say, chime, timer, turn, "
                        "question, ask or repeat)", line)


def parse_ritual(path: Path, data: Any) -> Ritual:
    """Build a ``Ritual`` from parsed YAML, validating every field."""
    p = str(path)
    r = _Reader(p, data, "ritual")
    r.reject_unknown({"id", "name", "aliases", "description", "duration_minutes", "cadence", "steps", "decks"})
    ritual_id = r.text("id") or ""
    if ritual_id != path.stem:
        raise r.fail("id", f"must match the file name '{path.stem}'")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise r.fail("aliases", "must be a list of names")
    cadence = data.get("cadence")
    if cadence not in ("daily", "weekly"):
        raise r.fail("cadence" if "cadence" in data else None, "must be 'daily' or 'weekly'")
    decks: dict[str, tuple[str, ...]] = {}
    raw_decks = data.get("decks", {})
    if not isinstance(raw_decks, dict):
        raise r.fail("decks", "must map a deck name to a list of questions")
    for name, questions in raw_decks.items():
        if not isinstance(questions, list) or not questions or not all(
            isinstance(q, str) and q.strip() for q in questions
        ):
            raise r.fail("decks", f"deck '{name}' must be a non-empty list of questions")
        if len(set(questions)) != len(questions):
            raise r.fail("decks", f"deck '{name}' has the same question twice")
        decks[name] = tuple(q.strip() for q in questions)
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, LineList) or not raw_steps:
        raise r.fail("steps" if "steps" in data else None, "must be a non-empty list of steps")
    steps: list[Step] = []
    for i, (item, line) in enumerate(zip(raw_steps, raw_steps.item_lines)):
        steps.extend(_parse_step(p, item, line, f"steps[{i}]", None))
    for step in steps:
        if isinstance(step, TurnStep) and step.deck is not None and step.deck not in decks:
            raise DataFileError(p, f"question step uses deck '{step.deck}', which the file does not define",
                                step.line)
    return Ritual(ritual_id, r.text("name") or "", tuple(a.strip() for a in aliases),
                  r.text("description") or "", r.number("duration_minutes"), cadence,
                  tuple(steps), decks, p)
