"""What the engine does for each command ("stop", "pause", ...), in every state.

A mixin of ``RitualEngine``: each ``_cmd_<intent>`` method is looked up by intent name, so a
command has exactly one place. Commands the engine has no handler for (starting another ritual,
listing) get the "busy" line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompts.schema import TimerStep
from voice import journal_events as je
from voice.engine_state import PausedAt
from voice.events import Action, Log, SessionStatus, TimerShown
from voice.speech_text import spoken_duration

if TYPE_CHECKING:
    from voice.engine import RitualEngine

    _Base = RitualEngine
else:
    _Base = object


class CommandsMixin(_Base):
    """Command handlers; see the module docstring."""

    def abort(self, now: float, status: SessionStatus) -> list[Action]:
        """The driver is stopping mid-session (Ctrl-C, a failed device): the journal entries that
        close it truthfully, the running timer or turn with the time it really ran."""
        out: list[Action] = []
        if not self.ended:
            self._close_running(now, "stop" if status == "stopped" else status, out)
            self._finish(now, status, out)
        return out

    def _close_running(self, at: float, ended_by: str, out: list[Action]) -> None:
        """Journal the timer or turn cut short at ``at`` (also from a pause) with the time it ran, so a
        kiss stopped half-way is three seconds in the journal, not nothing."""
        s = self._s
        paused = s.paused if s.phase == "paused" else None
        phase = paused.phase if paused else s.phase
        until = paused.since if paused else at   # the time since the pause did not run
        if phase == "timer":
            out.append(Log(at, je.TimerEnd(self._ran(until), ended_by)))
        elif phase == "turn":
            self._log_turn_end(at, until, ended_by, out)

    def _cmd_stop(self, now: float, out: list[Action]) -> None:
        self._cut_output(out)
        self._say(out, self.system.get("stopped"), "reply")
        self._close_running(now, "stop", out)
        self._finish(now, "stopped", out)

    def _cmd_pause(self, now: float, out: list[Action]) -> None:
        s = self._s
        if s.phase == "paused":
            self._say(out, self.system.get("help_paused"), "reply")
            return
        remaining = self.time_left(now)
        if s.phase == "output":
            self._cut_output(out)  # the interrupted prompt is said again on resume
        s.paused = PausedAt(s.phase, remaining, now)
        s.phase = "paused"
        s.silence_at = None
        out.append(Log(now, je.Pause(None if remaining is None else round(remaining, 3))))
        if remaining is not None:
            out.append(TimerShown(remaining, False))
        self._listen(out, "turn")
        self._say(out, self.system.get("paused"), "reply")

    def _cmd_resume(self, now: float, out: list[Action]) -> None:
        s = self._s
        if s.phase != "paused" or s.paused is None:
            self._say(out, self.system.get("not_paused"), "reply")
            return
        saved, s.paused = s.paused, None
        s.paused_total += now - saved.since
        out.append(Log(now, je.Resume(saved.remaining)))
        self._say(out, self.system.get("resumed"), "reply")
        if saved.phase in ("output", "start"):
            self._enter(now, self._step(), out)  # say the cut-off prompt again
            return
        s.phase = saved.phase
        if saved.remaining is not None:
            s.deadline = now + saved.remaining
            step = self._step()
            out.append(TimerShown(saved.remaining, True, isinstance(step, TimerStep) and step.silent))
        if saved.phase == "ask":
            self._listen(out, "idle")

    def _cmd_skip(self, now: float, out: list[Action]) -> None:
        s = self._s
        phase = s.paused.phase if s.phase == "paused" and s.paused else s.phase
        self._cut_output(out)
        self._say(out, self.system.get("skipped"), "reply")
        out.append(Log(now, je.Skip(s.index)))
        self._close_running(now, "skip", out)
        s.paused = None
        if phase == "timer":
            out.append(TimerShown(0.0, False))
        self._next(now, out)

    def _cmd_repeat(self, now: float, out: list[Action]) -> None:
        if self._last_prompt:
            self._say(out, self._last_prompt, "reply")

    def _cmd_time_left(self, now: float, out: list[Action]) -> None:
        left = self.time_left(now)
        if left is None:
            self._say(out, self.system.get("no_timer"), "reply")
        else:
            self._say(out, self.system.get("time_left", time=spoken_duration(left, self.system)), "reply")

    def _cmd_help(self, now: float, out: list[Action]) -> None:
        key = {"turn": "help_turn", "ask": "help_ask", "paused": "help_paused"}.get(self._s.phase, "help_ritual")
        self._say(out, self.system.get(key), "reply")

    def _cmd_done(self, now: float, out: list[Action]) -> None:
        if self._s.phase == "turn":
            self._end_turn(now, "done", out)
        elif self._s.phase != "timer":  # nobody is told off for talking during a kiss
            self._say(out, self.system.get("not_now"), "reply")

    def _cmd_yes(self, now: float, out: list[Action]) -> None:
        self._yes_no(now, True, out)

    def _cmd_no(self, now: float, out: list[Action]) -> None:
        self._yes_no(now, False, out)

    def _yes_no(self, now: float, yes: bool, out: list[Action]) -> None:
        if self._s.phase == "ask":
            self._answer(now, yes, out)
        else:
            self._say(out, self.system.get("not_now"), "reply")
