"""The skill at home: microphone in, speaker out, on the real clock.

Three helper threads and no ritual logic in any of them: the microphone thread cancels the device's
echo (``EchoStage``), cuts and recognises speech (``Listener``) and applies the barge-in policy
(``BargeIn``); the speech thread renders prompts with the one TTS engine; and PortAudio's callback
plays them (``Player``). They all post into one
queue that the runner reads; the runner is the only place where anything is decided. A device that
fails mid-session closes the session as ``interrupted`` (the skill says nothing more: there may be
no speaker), and the loop waits for the devices to come back and listens again, without a restart
(``voice/device/reconnect.py``; the loop that waits is ``voice/cli/live.py``).
"""

from __future__ import annotations

import queue
import threading
import time

from voice.audio.chimes import chime
from voice.audio.bargein import BargeIn, BargeInPolicy
from voice.audio.echo import ReferenceTap
from voice.audio.echo_stage import EchoStage, warm_up_sound
from voice.audio.player import Player
from voice.audio.sources import MicrophoneSource
from voice.errors import AudioError, NoDeviceError
from voice.core.devices import NoDisplay, InputItem, Utterance, Wake
from voice.core.events import Action, Chime, Listen, Say, StopOutput
from voice.device.listen import Listener
from voice.speech.tts import Voice


_WARM_UP_ITEM = 0
"""The player's id of the warm-up sound (the runner's outputs count from 1): not one of its outputs."""

_LINE_GUESS = 30.0
"""Seconds a line is taken to last for the echo gate until its real end is known (no prompt is longer)."""


class _Failed:
    """A helper thread failed; the runner's thread raises ``error``."""

    def __init__(self, error: AudioError) -> None:
        self.error = error


class LiveRoom(NoDisplay):
    """``Source`` and ``Output`` of the runner over real devices, from pieces with one job each: the
    microphone (``MicrophoneSource``), the speaker with the reference of what it plays (``Player``
    into a ``ReferenceTap``), echo cancellation (``EchoStage``, as in render mode's simulated room)
    and the barge-in policy (``BargeIn``). Here only the threads and what they hand each other."""

    def __init__(self, listener: Listener, voice: Voice, device: int | str | None = None,
                 policy: BargeInPolicy | None = None, warm_up: bool = True) -> None:
        self._events: queue.Queue[InputItem | _Failed] = queue.Queue()
        self._speech_jobs: queue.Queue[tuple[int, int, Action] | None] = queue.Queue()
        self.listener = listener
        self.voice = voice
        # The runner's thread, the speech thread and PortAudio's callback share everything below.
        self._lock = threading.Lock()
        self._issued = 0
        self._finished: set[int] = set()
        self._generation = 0
        self._texts: dict[int, str] = {}
        self._started_at: dict[int, float] = {}
        self._heard_audio = False
        self._closed = threading.Event()   # set by the runner's thread, seen by the microphone's
        self.barge_in = BargeIn(policy)
        self._tap = ReferenceTap()
        self._stage = EchoStage()
        self.player = Player(self._played, self._playing, time.monotonic, device, self._tap.push)
        # The warm-up (voice/audio/echo_stage.py) before anything else, so the canceller has learnt
        # the room before the first prompt; a prompt asked for meanwhile waits behind it in the
        # player's queue. ``warm_up=False`` is the cold start, the benchmark's baseline.
        if warm_up:
            self.player.play(_WARM_UP_ITEM, warm_up_sound())
        self._mic = MicrophoneSource(device, reference=self._tap.take)
        self._threads = [threading.Thread(target=self._listen, name="microphone", daemon=True),
                         threading.Thread(target=self._speak, name="speech", daemon=True)]
        for thread in self._threads:
            thread.start()

    # ---- helper threads -------------------------------------------------------------------------

    def _listen(self) -> None:
        try:
            for chunk, played in self._mic.pairs():
                if self._closed.is_set():
                    return
                heard, far = self._stage.hear(chunk, played)
                with self._lock:
                    self._heard_audio = True
                now = time.monotonic()
                words = False
                for _, item in self.listener.feed(heard, now, far):
                    self._events.put(item)
                    words = words or (isinstance(item, Utterance) and bool(item.text))
                speech = self.listener.endpointer
                self.player.hold(self.barge_in.step(now, speech.speaking_for(now) if speech.in_speech else None,
                                                    words))
        except AudioError as exc:
            self._events.put(_Failed(exc))
        except Exception as exc:  # noqa: BLE001 - a dead helper thread must never fail silently
            self._events.put(_Failed(AudioError(f"Listening failed ({exc.__class__.__name__}: {exc}).")))

    def _speak(self) -> None:
        for job in iter(self._speech_jobs.get, None):
            generation, item, action = job
            with self._lock:
                if generation != self._generation:
                    continue  # cut off before it was even rendered
            try:
                audio = self.voice.render(action.text) if isinstance(action, Say) else chime(action.name)
            except AudioError as exc:
                self._events.put(_Failed(exc))
                return
            except Exception as exc:  # noqa: BLE001 - see _listen
                self._events.put(_Failed(AudioError(f"Speaking failed ({exc.__class__.__name__}: {exc}).")))
                return
            # Checked and queued under the lock: a stop between the two would otherwise let a line
            # that was cut off while it was being rendered play after the stop.
            with self._lock:
                if generation == self._generation:
                    self.player.play(item, audio)

    def _playing(self, item: int, now: float) -> None:
        if item == _WARM_UP_ITEM:
            return
        with self._lock:
            self._started_at[item] = now

    def _played(self, item: int, now: float) -> None:
        if item == _WARM_UP_ITEM:
            return
        with self._lock:
            self._finished.add(item)
            text = self._texts.pop(item, None)
            start = self._started_at.pop(item, now)
        if text is not None:
            self.listener.device_said(text, start, now, key=item)
        self._events.put(Wake())

    # ---- Output ---------------------------------------------------------------------------------

    def perform(self, action: Action, now: float) -> None:
        if isinstance(action, Listen):
            self.listener.set_context(action.context)
        elif isinstance(action, (Say, Chime)):
            with self._lock:
                self._issued += 1
                item = self._issued
                generation = self._generation
                if isinstance(action, Say):
                    self._texts[item] = action.text
            if isinstance(action, Say):
                self.listener.device_said(action.text, now, now + _LINE_GUESS, key=item)
            self._speech_jobs.put((generation, item, action))
        elif isinstance(action, StopOutput):
            with self._lock:
                self._generation += 1
                for cut in self.player.cut():
                    self._texts.pop(cut, None)
                self._texts.clear()   # lines still being rendered will never play either
                self._finished.update(range(1, self._issued + 1))
            self.listener.device_cut(now)

    def completed(self) -> int:
        with self._lock:
            return len(self._finished)

    @property
    def heard_audio(self) -> bool:
        """Whether the microphone delivered anything: if not, it is missing rather than failing."""
        with self._lock:
            return self._heard_audio

    # ---- Source ---------------------------------------------------------------------------------

    def get(self, timeout: float | None) -> InputItem | None:
        try:
            item = self._events.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(item, _Failed):
            raise item.error
        if not self.player.active:
            raise AudioError("The speaker stopped (unplugged?).")
        return item

    def close(self) -> None:
        self._closed.set()
        self._speech_jobs.put(None)
        self.player.close()
        # The canceller is not closed here: the microphone thread may be inside it still; it is
        # freed with the room.


def check_devices() -> None:
    """One clear line when this machine has no microphone or speaker at all."""
    try:
        import sounddevice as sd
        devices = sd.query_devices()
    except OSError as exc:
        raise AudioError("PortAudio is missing: run 'make run' (it installs libportaudio2).") from exc
    if not any(d["max_input_channels"] > 0 for d in devices):
        raise NoDeviceError("No microphone on this machine: try 'rituals listen --input FILE.wav --output "
                            "OUT.wav' or 'rituals demo'.")
    if not any(d["max_output_channels"] > 0 for d in devices):
        raise NoDeviceError("No speaker on this machine: try 'rituals listen --input FILE.wav --output OUT.wav'.")
