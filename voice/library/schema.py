"""The ritual schema: typed steps and rituals, built from YAML with errors naming file and line.

The format is documented for people in ``prompts/README.md``; this module is its single source of
truth for validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from voice.errors import DataFileError
from voice.library.fields import FieldReader
from voice.core.step_base import StepSource, StepType
from voice.core.steps import step_keys, step_type
from voice.library.yamlio import LineDict, LineList

Cadence = Literal["daily", "weekly"]
Step = StepType
"""A parsed step: one of the types in ``voice.core.steps.STEP_TYPES``, each parsing and running itself."""


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


def _parse_step(path: str, item: Any, line: int, where: str, round_no: int | None) -> list[Step]:
    keys = ", ".join(step_keys())
    if isinstance(item, LineDict) and len(item) == 1:
        key, body = next(iter(item.items()))
    else:
        raise DataFileError(path, f"{where}: a step is a mapping with one key: {keys} or repeat", line)
    if key == "repeat":  # not a step of its own: its steps, unrolled, with {round} filled in
        r = FieldReader(path, body, f"{where}.repeat")
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
    kind = step_type(key)
    if kind is None:
        raise DataFileError(path, f"{where}: unknown step '{key}' (use {keys} or repeat)", line)
    return [kind.parse(key, body, StepSource(path, line, where, round_no))]


def parse_ritual(path: Path, data: Any) -> Ritual:
    """Build a ``Ritual`` from parsed YAML, validating every field."""
    p = str(path)
    r = FieldReader(p, data, "ritual")
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
        step.check(decks, p)
    return Ritual(ritual_id, r.text("name") or "", tuple(a.strip() for a in aliases),
                  r.text("description") or "", r.number("duration_minutes"), cadence,
                  tuple(steps), decks, p)
