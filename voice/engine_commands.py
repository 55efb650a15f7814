"""What the engine does for each command ("stop", "pause", ...), in every state.

A mixin of ``RitualEngine``: each ``_cmd_<intent>`` method is looked up by intent name, so a
command has exactly one place. Commands the engine has no handler for (starting another ritual,
listing) get the "busy" line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from voice.engine_state import PausedAt
from voice.events import Action, Log, SessionStatus, StopOutput, TimerShown
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
        running = paused.running if paused else self._running()
        until = paused.since if paused else at   # the time since the pause did not run
        if running is not None:
            running.close(at, until, ended_by, out)

    def _cmd_stop(self, now: float, out: list[Action]) -> None:
        self._cut_output(out)
        self.say(out, self.system.get("stopped"), "reply")
        self._close_running(now, "stop", out)
        self._finish(now, "stopped", out)

    def _cut_output(self, out: list[Action]) -> None:
        out.append(StopOutput())
        self._finished = self._emitted

    def _cmd_pause(self, now: float, out: list[Action]) -> None:
        s = self._s
        if s.phase == "paused":
            self.say(out, self.system.get("help_paused"), "reply")
            return
        remaining = self.time_left(now)
        if s.phase == "output":
            self._cut_output(out)  # the interrupted prompt is said again on resume
        running = self._running()
        s.paused = PausedAt(s.phase, running, remaining, now)
        s.phase = "paused"
        if running is not None:
            running.pause()
        out.append(Log(now, "pause", {"remaining": None if remaining is None else round(remaining, 3)}))
        if remaining is not None:
            out.append(TimerShown(remaining, False))
        self.listen(out, "turn")
        self.say(out, self.system.get("paused"), "reply")

    def _cmd_resume(self, now: float, out: list[Action]) -> None:
        s = self._s
        if s.phase != "paused" or s.paused is None:
            self.say(out, self.system.get("not_paused"), "reply")
            return
        saved, s.paused = s.paused, None
        out.append(Log(now, "resume", {"remaining": saved.remaining}))
        self.say(out, self.system.get("resumed"), "reply")
        if saved.running is None:
            self._enter(now, self._step(), out)  # say the cut-off prompt again
            return
        running = saved.running
        running.resume(now, saved.remaining, now - saved.since)
        s.phase = "running"
        if saved.remaining is not None:
            out.append(TimerShown(saved.remaining, True, running.silent))
        self.listen(out, running.listening)

    def _cmd_skip(self, now: float, out: list[Action]) -> None:
        s = self._s
        running = s.paused.running if s.phase == "paused" and s.paused else self._running()
        self._cut_output(out)
        self.say(out, self.system.get("skipped"), "reply")
        out.append(Log(now, "skip", {"index": s.index}))
        self._close_running(now, "skip", out)
        s.paused = None
        if running is not None and running.counts_down:
            out.append(TimerShown(0.0, False))
        self.next(now, out)

    def _cmd_repeat(self, now: float, out: list[Action]) -> None:
        if self._last_prompt:
            self.say(out, self._last_prompt, "reply")

    def _cmd_time_left(self, now: float, out: list[Action]) -> None:
        left = self.time_left(now)
        if left is None:
            self.say(out, self.system.get("no_timer"), "reply")
        else:
            self.say(out, self.system.get("time_left", time=spoken_duration(left, self.system)), "reply")

    def _cmd_help(self, now: float, out: list[Action]) -> None:
        running = self._running()
        key = ("help_paused" if self._s.phase == "paused"
               else running.help_key if running is not None else "help_ritual")
        self.say(out, self.system.get(key), "reply")

    def _step_command(self, intent: str, now: float, out: list[Action]) -> None:
        """``done``, ``yes``, ``no``: the running step's to take; anywhere else they do not fit."""
        running = self._running()
        if running is None or not running.command(self, intent, now, out):
            self.say(out, self.system.get("not_now"), "reply")

    def _cmd_done(self, now: float, out: list[Action]) -> None:
        self._step_command("done", now, out)

    def _cmd_yes(self, now: float, out: list[Action]) -> None:
        self._step_command("yes", now, out)

    def _cmd_no(self, now: float, out: list[Action]) -> None:
        self._step_command("no", now, out)
