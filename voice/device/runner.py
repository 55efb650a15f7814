"""The driver loop: input and time in, the skill's actions out, the journal kept.

The runner holds no ritual logic. It waits for the next input (a typed line, a recognised
utterance, voice activity) or for the skill's next deadline, whichever comes first, understands the
text with the matcher in the context the skill last asked for, and hands every action to the output
and the journal. Text, microphone and WAV drivers differ only in the source, output and clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable

from voice.library.intents import Catalogue, Context
from voice.core.devices import Clock, EndOfInput, Output, Source, Utterance, VoiceActivity
from voice.core.events import Action, Activity, EndSession, Heard, Log, OutputDone, SessionStatus, Tick
from voice.core.journal_events import SpeechHeard
from voice.core.matcher import Match, MatchSettings, recognize
from voice.journal.recorder import JournalRecorder
from voice.core.skill import Skill


@dataclass(frozen=True)
class Understood:
    """For a trace: the runner took in ``utterance`` and understood it as ``match`` (``None``: not a
    command) in ``context``."""

    utterance: Utterance
    match: Match | None
    context: Context


@dataclass(frozen=True)
class Acted:
    """For a trace: the runner handed ``action`` to the output and the journal."""

    action: Action


Traced = Understood | Acted
Trace = Callable[[float, Traced], None]
"""Told (time, what happened) of everything heard and done: one stream that the printed trace and
``rituals listen --json`` are both made from."""


class Runner:
    """Drives one ``Skill`` until the ritual (or the input) ends."""

    def __init__(self, skill: Skill, catalogue: Catalogue, source: Source, output: Output, clock: Clock,
                 recorder: JournalRecorder, match_settings: MatchSettings | None = None,
                 trace: Trace | None = None) -> None:
        """``trace``: told of everything heard and done, for people (and programs) watching."""
        self.skill = skill
        self.catalogue = catalogue
        self.source = source
        self.output = output
        self.clock = clock
        self.recorder = recorder
        self.match_settings = match_settings or MatchSettings()
        self.trace = trace
        self.input_ended = False
        self.sessions_ended = 0
        self._reported = 0

    def run(self, ritual_id: str | None = None, until_session_ends: bool = False) -> None:
        """Run the skill (starting ``ritual_id`` at once if given).

        Returns when a session ended and ``until_session_ends`` is set, or when the input has ended
        and no ritual is running. Any exception from a device closes an open session as
        ``interrupted`` before it propagates: the journal never keeps a half-open session.
        """
        try:
            now = self.clock.now()
            self._perform(self.skill.begin(), now)
            if ritual_id:
                self._perform(self.skill.start_ritual(ritual_id, now), now)
            while not self._finished(until_session_ends):
                self._step()
        except KeyboardInterrupt:
            self._abort("stopped")  # Ctrl-C is the user's "stop"
            raise
        except BaseException:
            self._abort("interrupted")
            raise

    def _abort(self, status: SessionStatus) -> None:
        """Journal the end of a session the driver cannot finish: the engine's own closing entries
        (the running timer or turn with the time it ran), then the recorder closes anything left."""
        now = self.clock.now()
        for action in self.skill.abort(now, status):
            if isinstance(action, (Log, EndSession)):   # the devices may be what failed: journal only
                self.recorder.record(action)
        self.recorder.interrupt(now, status)

    def _finished(self, until_session_ends: bool) -> bool:
        if until_session_ends and self.sessions_ended:
            return True
        return self.input_ended and not self.skill.busy

    def _step(self) -> None:
        now = self.clock.now()
        wake = [t for t in (self.skill.next_deadline(), self.output.refresh_at()) if t is not None]
        item = self.source.get(None if not wake else max(0.0, min(wake) - now))
        now = self.clock.now()
        if isinstance(item, EndOfInput):
            self.input_ended = True
        elif isinstance(item, VoiceActivity):
            self._perform(self.skill.handle(Activity(now)), now)
        elif isinstance(item, Utterance):
            self._heard(item, now)
        self.output.refresh(now)
        self._perform(self.skill.handle(Tick(now)), now)

    def _heard(self, item: Utterance, now: float) -> None:
        context = self.skill.listening.context
        match = recognize(item.text, self.catalogue, context, self.match_settings) if item.text else None
        self.recorder.record(Log(now, SpeechHeard(match.intent if match else None, context,
                                                  match.score if match else None, item.text)))
        if self.trace is not None:
            self.trace(now, Understood(item, match, context))
        self._perform(self.skill.handle(Heard(now, match, item.text)), now)

    def _perform(self, actions: list[Action], now: float) -> None:
        # Terminates: each pass either reports newly finished outputs (a growing count) or returns.
        while True:
            for action in actions:
                self.output.perform(action, now)
                self.recorder.record(action)
                if self.trace is not None:
                    self.trace(now, Acted(action))
                if isinstance(action, EndSession):
                    self.sessions_ended += 1
            done = self.output.completed()
            if done <= self._reported:
                return
            self._reported = done
            actions = self.skill.handle(OutputDone(now, done))
