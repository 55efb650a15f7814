"""The skill at home: microphone in, speaker out, on the real clock.

Three helper threads and no ritual logic in any of them: the microphone thread cuts and recognises
speech (``Listener``), the speech thread renders prompts with the one TTS engine, and PortAudio's
callback plays them (``Player``). They all post into one queue that the runner reads; the runner is
the only place where anything is decided. A device that fails mid-session closes the session as
``interrupted``, and the devices are reopened with growing pauses.
"""

from __future__ import annotations

import itertools
import queue
import sys
import threading
import time
from pathlib import Path

from voice.cli.app import App
from voice.audio.chimes import chime
from voice.audio.echo import EchoCanceller, ReferenceTap
from voice.audio.endpoint import level_db
from voice.audio.player import Player
from voice.audio.sources import MicrophoneSource
from voice.errors import AudioError, NoDeviceError
from voice.core.events import Action, Chime, Listen, Say, StopOutput
from voice.device.listen import Listener
from voice.core.devices import NoDisplay, InputItem, Utterance, Wake
from voice.speech.tts import Voice
from voice.device.textio import MonotonicClock


class _Failed:
    """A helper thread failed; the runner's thread raises ``error``."""

    def __init__(self, error: AudioError) -> None:
        self.error = error


class LiveRoom(NoDisplay):
    """``Source`` and ``Output`` of the runner over real devices."""

    def __init__(self, listener: Listener, voice: Voice, device: int | str | None = None) -> None:
        self._events: queue.Queue[InputItem | _Failed] = queue.Queue()
        self._speech_jobs: queue.Queue[tuple[int, int, Action] | None] = queue.Queue()
        self.listener = listener
        self.voice = voice
        self._lock = threading.Lock()
        self._issued = 0
        self._finished: set[int] = set()
        self._generation = 0
        self._texts: dict[int, str] = {}
        self._started_at: dict[int, float] = {}
        self._running = True
        self.hold_after = 0.0
        """Seconds of someone's speech before the device holds its own."""
        self._holding = False
        self._words_during_hold = False
        self._no_hold_until = 0.0
        self._tap = ReferenceTap()
        self._canceller = EchoCanceller()
        self.player = Player(self._played, self._playing, time.monotonic, device, self._tap.push)
        self._mic = MicrophoneSource(device)
        self._threads = [threading.Thread(target=self._listen, name="microphone", daemon=True),
                         threading.Thread(target=self._speak, name="speech", daemon=True)]
        for thread in self._threads:
            thread.start()

    # ---- helper threads -------------------------------------------------------------------------

    def _listen(self) -> None:
        try:
            for chunk in self._mic.chunks():
                if not self._running:
                    return
                played = self._tap.take(len(chunk))
                heard = self._canceller.process(chunk, played)
                now = time.monotonic()
                for _, item in self.listener.feed(heard, now, level_db(played)):
                    self._events.put(item)
                    if isinstance(item, Utterance) and item.text:
                        self._words_during_hold = True
                # Someone talks over the device: it holds, as a person would, so their words reach the
                # recogniser clean and nobody is talked over; it goes on when they finish. Measured on a
                # virtual sound card with a fresh (unconverged) canceller during the first prompt: 1 of
                # 10 stops understood, so barge-in is still weak early in a session (BENCHMARKS.md).
                speech = self.listener.endpointer
                hold = speech.in_speech and speech.speaking_for(now) >= self.hold_after and now >= self._no_hold_until
                if self._holding and not hold and not self._words_during_hold:
                    # It held for what turned out to be its own echo (the canceller has not converged
                    # yet): no holding for a while, or it would stutter on its own voice.
                    self._no_hold_until = now + 3.0
                if hold and not self._holding:
                    self._words_during_hold = False
                self._holding = hold
                self.player.hold(hold)
        except AudioError as exc:
            self._events.put(_Failed(exc))
        except Exception as exc:  # noqa: BLE001 - a dead helper thread must never fail silently
            self._events.put(_Failed(AudioError(f"Listening failed ({exc.__class__.__name__}: {exc}).")))

    def _speak(self) -> None:
        for job in iter(self._speech_jobs.get, None):
            generation, item, action = job
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
            if generation == self._generation:
                self.player.play(item, audio)

    def _playing(self, item: int, now: float) -> None:
        self._started_at[item] = now

    def _played(self, item: int, now: float) -> None:
        with self._lock:
            self._finished.add(item)
        text = self._texts.pop(item, None)
        if text is not None:
            self.listener.device_said(text, self._started_at.pop(item, now), now, key=item)
        self._events.put(Wake())

    # ---- Output ---------------------------------------------------------------------------------

    def perform(self, action: Action, now: float) -> None:
        if isinstance(action, Listen):
            self.listener.set_context(action.context)
        elif isinstance(action, (Say, Chime)):
            with self._lock:
                self._issued += 1
                item = self._issued
            if isinstance(action, Say):
                self._texts[item] = action.text
                self.listener.device_said(action.text, now, now + 30.0, key=item)  # until its real end is known
            self._speech_jobs.put((self._generation, item, action))
        elif isinstance(action, StopOutput):
            self._generation += 1
            for item in self.player.cut():
                self._texts.pop(item, None)
            with self._lock:
                self._finished.update(range(1, self._issued + 1))

    def completed(self) -> int:
        with self._lock:
            return len(self._finished)

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
        self._running = False
        self._speech_jobs.put(None)
        self.player.close()


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


def run_live(app: App, engine: str, model: Path | None, device: str | None, max_restarts: int | None = None) -> int:
    from voice.cli.voice import make_voice, trace
    from voice.speech.engines import make_recognizer

    check_devices()
    recognizer, note = make_recognizer(engine, app.catalogue, model, app.config_model, app.data_dir, app.language)
    voice = make_voice(app)
    # The language's own "you can say ..." line: an English hint here would be wrong in Korean.
    print(f"{note} {app.library.system.get('help_idle')} Ctrl-C to quit.", file=sys.stderr)
    journal = app.journal
    journal.recover_interrupted()
    pause = 1.0
    for attempt in itertools.count():
        clock = MonotonicClock()
        room = None
        started = time.monotonic()
        try:
            listener = Listener(recognizer, numbers=app.language.numbers)
            room = LiveRoom(listener, voice, int(device) if device and device.isdigit() else device)
            app.runner(room, room, clock, trace(sys.stdout, started)).run()
            return 0
        except AudioError as exc:
            if attempt == 0 and time.monotonic() - started < 1.0 and room is None:
                raise  # the devices never opened: say so and stop, there is nothing to retry
            if max_restarts is not None and attempt >= max_restarts:
                raise
            pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 30.0)
            print(f"rituals: {exc} Trying again in {pause:.0f} s.", file=sys.stderr, flush=True)
            time.sleep(pause)
        finally:
            if room is not None:
                room.close()
    return 0
