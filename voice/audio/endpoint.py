"""End-of-speech detection (vosk 0.3.45 has no endpointer): voice activity + trailing silence.

A frame counts as speech when webrtcvad says so *and* it is clearly louder than the room's noise
floor, so a fan, a television or people talking in the next room do not hold an utterance open
(webrtcvad alone calls all of them speech). The floor is a low percentile of the levels of the last
seconds outside utterances, every frame counted, so it follows the room up as well as down even
while the VAD hears "speech" all the time (a floor updated only on quiet frames never rose over a
steady babble, and every utterance then ran to ``max_utterance``). No utterance starts in the first
``warmup`` seconds, while the floor is first learned.
An utterance starts after a few speech frames (with some audio from just before, so first
consonants are kept) and ends after ``trailing_silence`` of non-speech or at ``max_utterance``.
Only a short tail of that silence goes to the recogniser: the rest is the room's noise, and the
forced grammar would turn it into words (on the benchmark, half a second of babble on each side of
a command cost half the commands at 20 dB SNR).

While the device plays, the microphone hears it, and what the echo canceller leaves of it still
sounds like speech, loud enough while the canceller is still converging to start an utterance that
runs on and swallows a "stop" said a moment later. Two rules tell a person from that residue: the
level (``barge_in_db``, ``echo_margin_db``) and how much the canceller took off the frame
(``double_talk_db``, from ``Far.mic``): over its own echo alone it takes off most of what it hears,
over a person little, because a person is what it cannot predict from what was played.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import webrtcvad

from voice.audio import FRAME, RATE


FLOOR_LIMIT_DB = -70.0
"""A lowest floor, not on by default. A microphone that gates its silence to digital zero (noise
suppression, the virtual sound card) puts the floor at -90 dBFS, and a word's inaudible decay then
counts as speech, up to a fifth of a second, every reaction that much later; -70 is about a quiet
room's own level at a microphone. Chosen with bench/floor.py on development voices (-80, -70 and
-60 understood as many commands as no limit). Off by default because, with the warm-up, the live
test on the virtual sound card heard the device's own kiss prompt as "stop" in 3 of 5 runs with
it and 0 of 4 without it (2026-12-04), which is not understood yet (BENCHMARKS.md)."""


@dataclass(frozen=True)
class EndpointSettings:
    """Tunable limits of end-of-speech detection."""

    aggressiveness: int = 2
    """webrtcvad's mode, 0 (lenient) to 3 (strict)."""
    start_frames: int = 3
    """Speech frames (30 ms each) in a row that start an utterance."""
    trailing_silence: float = 0.5
    """Seconds of non-speech that end an utterance."""
    max_utterance: float = 8.0
    """An utterance is cut here: commands are short, and a turn's speech must not block the loop."""
    pre_roll: float = 0.3
    """Audio kept from before the start was detected."""
    floor_margin_db: float = 10.0
    """A speech frame must be this much louder than the noise floor."""
    floor_window: float = 2.0
    """Seconds of levels the noise floor is estimated over."""
    floor_percentile: float = 20.0
    """The floor is this percentile of those levels (the pauses between words reach it even while
    someone talks; a minimum would sit below a fluctuating noise and let its peaks through)."""
    floor_min_db: float | None = None
    """The floor is never lower than this (dBFS); ``None``: no limit. ``FLOOR_LIMIT_DB`` with
    ``rituals listen --floor-limit`` (why, and why it is not the default: there)."""
    warmup: float = 0.3
    """Seconds after the microphone opens in which no utterance starts: the floor is learned first."""
    start_margin_db: float = 12.0
    """Frames that start an utterance must be this much louder than the floor (continuing frames
    only ``floor_margin_db``), at most: over a steady noise the margins shrink (below)."""
    min_start_margin_db: float = 5.0
    """The least the start margin shrinks to over a steady noise. A fixed 12 dB never let speech at
    5 dB SNR start at all (speech on pink noise at 5 dB is only about 6 dB above it), while a
    fluctuating noise (babble) needs the full margin not to start on its own peaks. Chosen on the
    development voices (4, 5 and 6 dB tried): commands heard at pink 5 dB went from 6 % to 58 %."""
    over_spread_db: float = 2.0
    """Over a steady noise, the start margin is the noise's own spread (``spread_percentile`` minus
    the floor) plus this."""
    spread_percentile: float = 90.0
    """Where the noise's peaks are measured, in the same window as the floor."""
    tail_kept: float = 0.2
    """Seconds of the trailing silence still given to the recogniser (weak final consonants)."""
    playing_db: float = -70.0
    """While the device plays louder than this (dBFS), what the microphone hears is mostly its echo.
    Low on purpose: the quiet tail of a prompt still echoes."""
    barge_in_db: float = -38.0
    """While the device plays, a person's speech must be at least this loud (dBFS) after echo
    cancellation; residual echo measured -45 to -60 dBFS, a spoken "stop" -19 to -28."""
    echo_margin_db: float = 25.0
    """...and no more than this much quieter than what the device plays."""
    echo_hold: float = 0.3
    """Seconds after the device last played louder than ``playing_db`` that its echo still counts as
    playing: the echo arrives later than the reference (the room's delay) and rings on (its
    reverberation), and the canceller's 200 ms filter leaves a residue of that tail. Without the
    hold, the residue in a pause between two words of a prompt started an utterance over the
    digital silence's floor in the simulated room (a self-heard "done"), and one started just
    before a "stop" swallowed it."""
    double_talk_db: float | None = 2.0
    """While the device plays, a frame is a person's speech only when the echo canceller took at most
    this much (dB) off it (why: the module's docstring). Chosen on development voices with
    bench/double_talk.py: 1.5 dB did as well there, but drops more of a person's own frames, a
    quarter of which lose 1.4-4.2 dB to the canceller. ``None``: off (``--no-double-talk``)."""


@dataclass(frozen=True)
class Far:
    """What the device played over a chunk, for the endpointer (rooms where the microphone hears it)."""

    level_db: float
    """Level (dBFS) of what the device played over the chunk."""
    mic: np.ndarray
    """The microphone before echo cancellation, sample for sample with the chunk: what the canceller
    took off each frame is the double-talk rule's measure."""


@dataclass(frozen=True)
class SpeechStarted:
    at: float
    """Time of the first speech frame."""
    audio: np.ndarray
    """The pre-roll and the frames that started it."""


@dataclass(frozen=True)
class SpeechAudio:
    audio: np.ndarray


@dataclass(frozen=True)
class SpeechPaused:
    """The trailing silence has lasted ``tail_kept``: every sample the recogniser will get has been
    sent, unless speech resumes. The rest of the trailing silence (0.3 s by default) is time in
    which a recogniser can do its work before the end is declared."""

    at: float


@dataclass(frozen=True)
class SpeechEnded:
    at: float
    """When the end was detected (after the trailing silence); the silence after ``tail_kept`` was
    never sent as ``SpeechAudio``."""
    speech_end: float
    """Time of the last speech frame: what latency is measured from."""
    cut: bool = False
    """Ended by ``max_utterance`` rather than silence."""
    early: bool = False
    """Ended at its first pause by ``Endpointer.end_now``, before the trailing silence was over."""


EndpointEvent = SpeechStarted | SpeechAudio | SpeechPaused | SpeechEnded


def level_db(frame: np.ndarray) -> float:
    """RMS level in dBFS (-90 for digital silence)."""
    rms = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))) if frame.size else 0.0
    return 20.0 * np.log10(max(rms, 1.0) / 32768.0)


class Endpointer:
    """Feed 30 ms frames with their end time; get start / audio / end events."""

    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self._vad = webrtcvad.Vad(self.settings.aggressiveness)
        self._floor = -60.0
        self._spread = 0.0
        """How far the noise's peaks rise above its floor (dB)."""
        self._levels: deque[float] = deque(maxlen=max(1, int(self.settings.floor_window * RATE / FRAME)))
        self._held: list[np.ndarray] = []
        self._frames = 0
        self._history: deque[np.ndarray] = deque(maxlen=max(1, int(self.settings.pre_roll * RATE / FRAME)))
        self._run = 0
        self._in_speech = False
        self._silent_for = 0.0
        self._started = 0.0
        self._last_speech = 0.0
        self._pending = np.zeros(0, dtype=np.int16)
        self._pending_mic = np.zeros(0, dtype=np.int16)
        self._playing_db: float | None = None
        self._echo_db = -90.0
        """Level of the device's last loud chunk, held for ``echo_hold`` after it."""
        self._echo_until = float("-inf")

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    def speaking_for(self, now: float) -> float:
        """Seconds the current utterance has lasted (0 when nobody is speaking)."""
        return now - self._started if self._in_speech else 0.0

    def feed(self, chunk: np.ndarray, end_time: float, far: Far | None = None) -> list[EndpointEvent]:
        """``chunk`` of any length ending at ``end_time`` seconds; ``far``: what the device played
        meanwhile, when it plays through the same room."""
        return list(self.events(chunk, end_time, far))

    def events(self, chunk: np.ndarray, end_time: float, far: Far | None = None) -> Iterator[EndpointEvent]:
        """``feed``, frame by frame: what the caller does between two events (``end_now``) holds for
        the frames after it. Consume it to the end (the chunk's frames are read as it goes)."""
        playing_db = far.level_db if far is not None else None
        if playing_db is not None and playing_db > self.settings.playing_db:
            self._echo_db, self._echo_until = playing_db, end_time + self.settings.echo_hold
        elif playing_db is not None and end_time <= self._echo_until:
            playing_db = self._echo_db               # the room still rings with it
        self._playing_db = playing_db
        data = np.concatenate([self._pending, chunk]) if self._pending.size else chunk
        # The microphone's side, sample for sample with ``data``; without a room the chunk stands for
        # it (nothing taken off), and the device plays nothing there anyway.
        side = far.mic if far is not None else chunk
        mic = np.concatenate([self._pending_mic, side]) if self._pending_mic.size else side
        whole = len(data) // FRAME * FRAME
        self._pending, self._pending_mic = data[whole:], mic[whole:]
        n = whole // FRAME
        for i in range(n):
            frame, raw = data[i * FRAME:(i + 1) * FRAME], mic[i * FRAME:(i + 1) * FRAME]
            t = end_time - (len(self._pending) + (n - 1 - i) * FRAME) / RATE
            yield from self._frame(frame, t, raw)

    def end_now(self, at: float) -> SpeechEnded:
        """The utterance is over at ``at`` although its trailing silence is not (the listener decided
        it at ``SpeechPaused``): the rest of that silence starts nothing, and speech after it starts a
        new utterance, as after any end."""
        self._held.clear()
        self._in_speech, self._run = False, 0
        return SpeechEnded(at, self._last_speech, early=True)

    def _frame(self, frame: np.ndarray, t: float, raw: np.ndarray) -> list[EndpointEvent]:
        s = self.settings
        level = level_db(frame)
        self._frames += 1
        start = min(s.start_margin_db, max(s.min_start_margin_db, self._spread + s.over_spread_db))
        # Continuing frames get less margin (hysteresis), but never less than the noise's own peaks
        # reach, or a fluctuating noise would hold the utterance open after the speech.
        carry = min(s.floor_margin_db, max(start - (s.start_margin_db - s.floor_margin_db),
                                           self._spread + s.over_spread_db))
        margin = carry if self._in_speech else start
        voiced = self._vad.is_speech(frame.tobytes(), RATE) and level > self._floor + margin
        far = self._playing_db
        if voiced and far is not None and far > s.playing_db:  # double talk, or only the device's echo?
            voiced = level > max(s.barge_in_db, far - s.echo_margin_db)
            if voiced and s.double_talk_db is not None:
                voiced = level_db(raw) - level <= s.double_talk_db
        # Learned between utterances only (an utterance's own level would lift the floor under
        # long continuous speech and cut it), and never from the device's own echo.
        if not self._in_speech and (far is None or far <= s.playing_db):
            self._levels.append(level)
            if len(self._levels) >= 5:
                floor, peaks = (float(v) for v in np.percentile(self._levels, [s.floor_percentile,
                                                                              s.spread_percentile]))
                self._floor = floor if s.floor_min_db is None else max(floor, s.floor_min_db)
                self._spread = max(0.0, peaks - self._floor)
        dt = FRAME / RATE
        if not self._in_speech:
            self._history.append(frame)
            self._run = self._run + 1 if voiced else 0
            if self._run >= s.start_frames and self._frames * dt > s.warmup:
                self._in_speech, self._silent_for = True, 0.0
                self._started = t - s.start_frames * dt
                self._last_speech = t
                audio = np.concatenate(list(self._history))
                self._history.clear()
                return [SpeechStarted(self._started, audio)]
            return []
        events: list[EndpointEvent] = []
        if voiced:
            # a pause inside the utterance: what was held back belongs to it after all
            events += [SpeechAudio(held) for held in self._held]
            self._held.clear()
            self._silent_for, self._last_speech = 0.0, t
            events.append(SpeechAudio(frame))
        else:
            self._silent_for += dt
            if self._silent_for <= s.tail_kept + 1e-9:
                events.append(SpeechAudio(frame))
            else:
                if not self._held:
                    events.append(SpeechPaused(t))
                self._held.append(frame)
        cut = t - self._started >= s.max_utterance
        if self._silent_for >= s.trailing_silence or cut:
            if cut:  # cut mid-speech: nothing of it is dropped
                events += [SpeechAudio(held) for held in self._held]
            self._held.clear()
            self._in_speech, self._run = False, 0
            events.append(SpeechEnded(t, self._last_speech, cut and self._silent_for < s.trailing_silence))
        return events
