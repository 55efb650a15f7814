"""The loop over recorded audio: ``rituals listen --input IN.wav --output OUT.wav``.

Input and output share one sample clock: the time of the input's sample ``n`` is ``n / RATE`` s,
and everything the device says or plays is placed on an output timeline at the moment the skill
decided it. When the input ends, whatever the skill started runs to its end in silence (virtual
time, no waiting), so a six-second timer is exactly 96 000 samples in OUT.wav.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator

import numpy as np

from voice.audio import FRAME, RATE
from voice.audio.chimes import chime
from voice.audio.room import RoomMicrophone
from voice.core.events import Action, Chime, Listen, Say, StopOutput
from voice.device.listen import Listener
from voice.core.devices import NoDisplay, EndOfInput, InputItem, Wake
from voice.speech.tts import Voice
from voice.device.virtual import DeadlockError, PlaybackTracker, VirtualClock


class RenderRoom(NoDisplay):
    """``Source`` and ``Output`` of the runner over an audio source, writing an output timeline."""

    def __init__(self, chunks: Iterator[np.ndarray], listener: Listener, voice: Voice, clock: VirtualClock,
                 limit_seconds: float = 6 * 3600,
                 on_action: Callable[[Action, float], None] | None = None,
                 room: RoomMicrophone | None = None) -> None:
        """``on_action``: told of every action (the demo's couple reacts to the device through it).
        ``room``: the input is a person in a room where the microphone also hears the device (its
        echo, then the echo canceller); without it the input is what the microphone hears, as is."""
        self._chunks = chunks
        self.room = room
        self.on_action = on_action
        self.listener = listener
        self.voice = voice
        self.clock = clock
        self.limit = limit_seconds
        self._consumed = 0            # input samples read
        self._pending: deque[tuple[float, InputItem]] = deque()
        self._ended = False
        self._eof_sent = False
        self._timeline = np.zeros(RATE * 10, dtype=np.int16)
        self._length = 0              # samples of output written
        self.playback = PlaybackTracker(clock)
        self.placed: list[tuple[float, float, Action]] = []
        """(start s, end s, action) of everything played, for tests and the demo's report."""

    # ---- output ---------------------------------------------------------------------------------

    def perform(self, action: Action, now: float) -> None:
        if self.on_action is not None:
            self.on_action(action, now)
        if isinstance(action, Listen):
            self.listener.set_context(action.context)
        elif isinstance(action, (Say, Chime)):
            audio = self.voice.render(action.text) if isinstance(action, Say) else chime(action.name)
            start, end = self.playback.add(now, len(audio) / RATE)
            self._write(start, audio)
            self.placed.append((start, end, action))
            if isinstance(action, Say):
                self.listener.device_said(action.text, start, end)
        elif isinstance(action, StopOutput):
            self._cut(now)
            self.listener.device_cut(now)

    def _write(self, start: float, audio: np.ndarray) -> None:
        first = int(round(start * RATE))
        need = first + len(audio)
        if need > len(self._timeline):
            grown = np.zeros(max(need, 2 * len(self._timeline)), dtype=np.int16)
            grown[: self._length] = self._timeline[: self._length]
            self._timeline = grown
        self._timeline[first:need] = audio
        self._length = max(self._length, need)

    def _cut(self, now: float) -> None:
        """Silence everything scheduled after ``now``: the device goes quiet at once."""
        at = int(round(now * RATE))
        if at < self._length:
            self._timeline[at:self._length] = 0
            self._length = at
        self.placed = [(s, min(e, now), a) for s, e, a in self.placed if s < now]
        self.playback.cut(now)

    def completed(self) -> int:
        return self.playback.completed()

    def output(self, min_seconds: float = 0.0) -> np.ndarray:
        """The output timeline, at least as long as the input."""
        length = max(self._length, int(round(max(min_seconds, self._consumed / RATE) * RATE)))
        out = np.zeros(length, dtype=np.int16)
        out[: self._length] = self._timeline[: self._length]
        return out

    # ---- input ----------------------------------------------------------------------------------

    def get(self, timeout: float | None) -> InputItem | None:
        now = self.clock.now()
        until = now + timeout if timeout is not None else float("inf")
        while not self._pending and not self._ended:
            end = self.playback.next_end()
            next_done = float("inf") if end is None else end
            chunk_end = (self._consumed + FRAME) / RATE
            if chunk_end > min(until, next_done):
                break
            self._read_chunk()
        if self._pending:
            at, item = self._pending.popleft()
            self.clock.advance(max(now, at), self.limit)
            return item
        if self._ended and not self._eof_sent:
            self._eof_sent = True
            return EndOfInput()
        end = self.playback.next_end()
        next_done = float("inf") if end is None else end
        target = min(until, next_done)
        if target == float("inf"):
            raise DeadlockError(f"nothing will ever happen at t={now:.3f}")
        self.clock.advance(max(now, target), self.limit)
        return Wake() if target == next_done else None

    def _read_chunk(self) -> None:
        chunk = next(self._chunks, None)
        if chunk is None:
            self._ended = True
            # Speech running into the end of the file still ends: a trailing silence of zeros.
            self._pending.extend(self.listener.feed(np.zeros(RATE, dtype=np.int16), self._consumed / RATE + 1.0))
            return
        far = None
        if self.room is not None:
            # What the speaker plays over this chunk's samples, as placed so far: every output is
            # placed at the moment it is decided, never before the input already read.
            played = self._timeline[self._consumed:self._consumed + len(chunk)]
            played = np.concatenate([played, np.zeros(len(chunk) - len(played), dtype=np.int16)])
            chunk, far = self.room.hear(chunk, played)
        self._consumed += len(chunk)
        self._pending.extend(self.listener.feed(chunk, self._consumed / RATE, far))
