"""Every spoken command, in one registry: what it does during a ritual and between rituals.

``COMMANDS`` maps each intent of the intents file to its ``Command``: a handler for the running
ritual (``during``, given the engine as a ``Session``) and one for between rituals (``between``,
given the skill as an ``Idle``). A command without a ``during`` handler gets the "busy" line in a
ritual (say stop first); one without a ``between`` handler is let pass quietly between rituals (a
stray "yes" needs no answer). Each also says whether every language must have it (``required``) and
whether it may interrupt a partner's turn (``in_turn``). ``check_commands`` holds the intents file to
this registry at load, so a command is one entry here plus its phrases in the intents file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from voice.library.intents import Catalogue
from voice.library.rituals import SystemPrompts
from voice.core.engine_state import EngineState, PausedAt
from voice.errors import DataFileError
from voice.core import journal_events as je
from voice.core.events import Action, Log, SessionStatus, StopOutput, TimerShown
from voice.core.matcher import Match
from voice.core.speech_text import spoken_duration
from voice.core.step_base import Host, Running


class Session(Host, Protocol):
    """The running ritual as a command sees it (``RitualEngine``)."""

    state: EngineState
    last_prompt: str
    system: SystemPrompts

    def running(self) -> Running | None:
        """The running step, while it runs (not while paused or while a prompt plays)."""
        ...

    def time_left(self, now: float) -> float | None: ...
    def cut_output(self, out: list[Action]) -> None:
        """Stop whatever is being said or played, now."""
        ...

    def close_running(self, at: float, ended_by: str, out: list[Action]) -> None:
        """Journal the running (or paused) step cut short at ``at``."""
        ...

    def finish(self, at: float, status: SessionStatus, out: list[Action]) -> None: ...
    def enter_step(self, now: float, out: list[Action]) -> None:
        """Begin the current step again (its prompt was cut off)."""
        ...


class Idle(Protocol):
    """The skill between rituals as a command sees it (``Skill``)."""

    def start_ritual(self, ritual_id: str, now: float) -> list[Action]: ...
    def reply(self, text: str) -> list[Action]:
        """Say ``text`` as an answer."""
        ...

    def line(self, key: str, **values: object) -> str:
        """A line of ``system.yaml``."""
        ...

    def ritual_names(self) -> list[str]: ...
    def history(self, match: Match) -> str | None:
        """The answer to a question about the journal, if the skill has a history to ask."""
        ...


DuringRitual = Callable[[Session, float, list[Action]], None]
BetweenRituals = Callable[[Idle, Match, float], list[Action]]


@dataclass(frozen=True)
class Command:
    """What one intent does in each place it applies in (``None``: it does not apply there)."""

    during: DuringRitual | None = None
    between: BetweenRituals | None = None
    required: bool = False
    """Every language must have phrases for it: a ritual cannot run without it."""
    in_turn: bool = False
    """It may be heard while a partner talks (a whole command, interrupting them on purpose)."""
    acts_early: bool = False
    """It is decided at the first pause of the speech when the recogniser is sure of it, instead of at
    the end of speech (``voice.device.listen``): a command that must act at once and whose meaning no
    following words can change. "skip" or "done" wait: "skip" may be "skip it, no, go on"."""


# ---- during a ritual ------------------------------------------------------------------------------

def _reply(session: Session, out: list[Action], key: str, **values: object) -> None:
    session.say(out, session.line(key, **values), "reply")


def stop(session: Session, now: float, out: list[Action]) -> None:
    session.cut_output(out)
    _reply(session, out, "stopped")
    session.close_running(now, "stop", out)
    session.finish(now, "stopped", out)


def pause(session: Session, now: float, out: list[Action]) -> None:
    s = session.state
    if s.phase == "paused":
        _reply(session, out, "help_paused")
        return
    remaining = session.time_left(now)
    if s.phase == "output":
        session.cut_output(out)  # the interrupted prompt is said again on resume
    running = session.running()
    s.paused = PausedAt(s.phase, running, remaining, now)
    s.phase = "paused"
    if running is not None:
        running.pause()
    out.append(Log(now, je.Pause(None if remaining is None else round(remaining, 3))))
    if remaining is not None:
        out.append(TimerShown(remaining, False))
    session.listen(out, "turn")
    _reply(session, out, "paused")


def resume(session: Session, now: float, out: list[Action]) -> None:
    s = session.state
    if s.phase != "paused" or s.paused is None:
        _reply(session, out, "not_paused")
        return
    saved, s.paused = s.paused, None
    out.append(Log(now, je.Resume(saved.remaining)))
    _reply(session, out, "resumed")
    if saved.running is None:
        session.enter_step(now, out)  # say the cut-off prompt again
        return
    running = saved.running
    running.resume(now, saved.remaining, now - saved.since)
    s.phase = "running"
    if saved.remaining is not None:
        out.append(TimerShown(saved.remaining, True, running.silent))
    session.listen(out, running.listening)


def skip(session: Session, now: float, out: list[Action]) -> None:
    s = session.state
    running = s.paused.running if s.phase == "paused" and s.paused else session.running()
    session.cut_output(out)
    _reply(session, out, "skipped")
    out.append(Log(now, je.Skip(s.index)))
    session.close_running(now, "skip", out)
    s.paused = None
    if running is not None and running.counts_down:
        out.append(TimerShown(0.0, False))
    session.next(now, out)


def repeat(session: Session, now: float, out: list[Action]) -> None:
    if session.last_prompt:
        session.say(out, session.last_prompt, "reply")


def time_left(session: Session, now: float, out: list[Action]) -> None:
    left = session.time_left(now)
    if left is None:
        _reply(session, out, "no_timer")
    else:
        _reply(session, out, "time_left", time=spoken_duration(left, session.system))


def help_in_ritual(session: Session, now: float, out: list[Action]) -> None:
    running = session.running()
    key = ("help_paused" if session.state.phase == "paused"
           else running.help_key if running is not None else "help_ritual")
    _reply(session, out, key)


def for_the_step(intent: str) -> DuringRitual:
    """``done``, ``yes``, ``no``: the running step's to take; anywhere else they do not fit."""
    def handle(session: Session, now: float, out: list[Action]) -> None:
        running = session.running()
        if running is None or not running.command(session, intent, now, out):
            _reply(session, out, "not_now")
    return handle


# ---- between rituals ------------------------------------------------------------------------------

def start(idle: Idle, match: Match, now: float) -> list[Action]:
    return idle.start_ritual(match.slots["ritual"], now)


def list_rituals(idle: Idle, match: Match, now: float) -> list[Action]:
    return idle.reply(idle.line("list_rituals", names=", ".join(idle.ritual_names())))


def says(key: str) -> BetweenRituals:
    """A command answered between rituals with one fixed line."""
    return lambda idle, match, now: idle.reply(idle.line(key))


def quiet(idle: Idle, match: Match, now: float) -> list[Action]:
    """Between rituals "stop" can only mean "be quiet": cut whatever is playing (a long answer) and add
    no words, since telling them nothing runs would be more talk, not less."""
    return [StopOutput()]


def history(idle: Idle, match: Match, now: float) -> list[Action]:
    reply = idle.history(match)
    return idle.reply(reply) if reply else []


COMMANDS: Mapping[str, Command] = MappingProxyType({
    "start_ritual": Command(between=start, required=True),
    "list_rituals": Command(between=list_rituals, required=True),
    "help": Command(help_in_ritual, says("help_idle"), required=True),
    "stop": Command(stop, quiet, required=True, in_turn=True, acts_early=True),
    "pause": Command(pause, says("nothing_running"), required=True, in_turn=True),
    "resume": Command(resume, says("nothing_running"), required=True, in_turn=True),
    "skip": Command(skip, says("nothing_running"), required=True, in_turn=True),
    "repeat": Command(repeat, says("nothing_running"), required=True, in_turn=True),
    "time_left": Command(time_left, says("nothing_running"), required=True, in_turn=True),
    "done": Command(for_the_step("done"), required=True, in_turn=True),
    "yes": Command(for_the_step("yes"), required=True),
    "no": Command(for_the_step("no"), required=True),
    "ask_count": Command(between=history),
    "ask_last": Command(between=history),
    "ask_streak": Command(between=history),
    "apart_today": Command(between=history),
    "invite": Command(between=history),
    "stop_invitations": Command(between=history),
    # answers to an invitation (voice.inviting): heard while an offer waits, let pass at other times
    "later": Command(),
    "decline": Command(),
})
"""Intent -> what it does; see the module docstring."""


REQUIRED_INTENTS = frozenset(name for name, command in COMMANDS.items() if command.required)
"""The commands every language must be able to say."""
TURN_INTENTS = frozenset(name for name, command in COMMANDS.items() if command.in_turn)
"""The only commands heard while a partner talks."""
EARLY_INTENTS = frozenset(name for name, command in COMMANDS.items() if command.acts_early)
"""The commands decided at the first pause when the recogniser is sure (see ``Command.acts_early``)."""


def check_commands(catalogue: Catalogue, path: Path) -> None:
    """Hold an intents file to the registry, at load: an intent no command handles would be heard
    and ignored; a required command without phrases could never be said; a command heard during a
    turn that may not interrupt one would cut a partner off. A language may leave out the optional
    commands (questions about the journal, invitations)."""
    unhandled = sorted(catalogue.intents - set(COMMANDS))
    if unhandled:
        raise DataFileError(str(path), f"intents.{unhandled[0]}: no command does this: remove it, or add "
                            "its command to voice/core/commands.py", catalogue.lines.get(unhandled[0]))
    missing = sorted(REQUIRED_INTENTS - catalogue.intents)
    if missing:
        raise DataFileError(str(path), f"intents: missing intent '{missing[0]}': a ritual cannot run "
                            "without it: add its phrases")
    in_turn = sorted({phrase.intent for phrase in catalogue.phrases.get("turn", ())} - TURN_INTENTS)
    if in_turn:
        raise DataFileError(str(path), f"intents.{in_turn[0]}: only {', '.join(sorted(TURN_INTENTS))} may be "
                            "heard during a turn: remove 'turn' from its contexts", catalogue.lines.get(in_turn[0]))
