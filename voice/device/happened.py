"""What happened, from the runner's trace: printed lines for people, one JSON document for programs.

Both forms are made from the same trace entries (``voice.device.runner.Understood`` and ``Acted``), so the
printed trace and ``rituals listen --json`` can never disagree. Times are seconds on the driver's
clock; in render mode that is the input's sample clock, the same as OUT.wav's.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from voice.core.events import Action, BeginSession, Chime, EndSession, Log, Say
from voice.journal.store import SessionRow
from voice.core.journal_events import encode
from voice.device.runner import Acted, Traced, Understood


def line(entry: Traced) -> str | None:
    """The printed form of ``entry``; ``None`` for what people watching are not shown."""
    if isinstance(entry, Understood):
        match = entry.match
        understood = f"{match.intent} {' '.join(match.slots.values())}".strip() if match else "nothing"
        return f"heard: {entry.utterance.text or '(not a command)'!s} -> {understood}"
    if isinstance(entry.action, Say):
        return f"device: {entry.action.text}"
    if isinstance(entry.action, Chime):
        return f"device: ~ {entry.action.name} chime ~"
    return None


def _t(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 4)  # 0.1 ms: finer than a 16 kHz sample is noise


def _kind(action: Action) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(action).__name__).lower()  # StopOutput -> stop_output


class Happened:
    """A trace that keeps every entry (pass it as the runner's ``trace``); ``document`` is the JSON."""

    def __init__(self) -> None:
        self.entries: list[tuple[float, Traced]] = []

    def __call__(self, at: float, entry: Traced) -> None:
        self.entries.append((at, entry))

    def document(self, placed: list[tuple[float, float, Action]], sessions: list[SessionRow]) -> dict[str, Any]:
        """Everything heard, everything done and how the sessions ended. ``placed``: (start, end,
        action) of what was actually played, as the output placed it (cut short where it was cut);
        ``sessions``: the journal's rows of the sessions begun during this trace, in order."""
        spans = {id(action): (start, end) for start, end, action in placed}
        heard, actions, begun, ended = [], [], [], []
        for at, entry in self.entries:
            if isinstance(entry, Understood):
                heard.append(self._heard(at, entry))
                continue
            actions.append(self._action(at, entry, spans))
            if isinstance(entry.action, BeginSession):
                begun.append(at)
            elif isinstance(entry.action, EndSession):
                ended.append(at)
        outcomes = [{"id": row.id, "ritual": row.ritual_id, "status": row.status,
                     "start": _t(begun[i]) if i < len(begun) else None,
                     "end": _t(ended[i]) if i < len(ended) else None} for i, row in enumerate(sessions)]
        return {"heard": heard, "actions": actions, "sessions": outcomes}

    @staticmethod
    def _heard(at: float, entry: Understood) -> dict[str, Any]:
        said, match = entry.utterance, entry.match
        detail = dict(said.detail)
        return {"at": _t(at), "start": _t(said.speech_start), "end": _t(said.speech_end), "text": said.text,
                "alternatives": list(said.alternatives), "context": entry.context,
                "rejected": bool(detail.pop("rejected", False)), "engine": detail.pop("engine", None),
                "intent": match.intent if match else None, "slots": dict(match.slots) if match else {},
                "score": match.score if match else None, "detail": detail}

    @staticmethod
    def _action(at: float, entry: Acted, spans: dict[int, tuple[float, float]]) -> dict[str, Any]:
        action = entry.action
        kind = _kind(action)
        if isinstance(action, Log):              # its event as the journal holds it
            log_kind, data = encode(action.event)
            fields: dict[str, Any] = {"data": data, "log_kind": log_kind}
        else:
            fields = dataclasses.asdict(action)
            fields.pop("at", None)               # the moment it was performed is the entry's own
            if "kind" in fields:                 # Say's own kind
                fields[f"{kind}_kind"] = fields.pop("kind")
        out: dict[str, Any] = {"at": _t(at), "kind": kind, **fields}
        if isinstance(action, (Say, Chime)):
            start, end = spans.get(id(action), (None, None))  # none: cut off before it began
            out |= {"start": _t(start), "end": _t(end)}
        return out
