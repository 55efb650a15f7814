"""A simulated room for render mode: the device's own output fed back into the microphone.

At home the microphone hears the device: its prompts and chimes come back a few tens of
milliseconds later, quieter, smeared by the room's reverberation, over the room's noise. Render mode
(``rituals listen --input IN.wav --output OUT.wav --room``) recreates that path offline and
deterministically, so self-hearing and barge-in ("stop" said over a prompt) can be measured without
a sound card. The echo is a room impulse response generated from a seed (a direct sound after a
delay, then exponentially decaying noise with the room's RT60), applied to what the device plays,
chunk by chunk on the shared sample clock: the echo of output sample ``n`` arrives at input sample
``n + delay``. The microphone signal then goes through the same echo stage the live room uses
(``voice/audio/echo_stage.py``).
"""

from __future__ import annotations

import numpy as np

from voice.audio import RATE
from voice.audio.echo_stage import EchoStage, warm_up_sound
from voice.audio.endpoint import Far
from voice.audio.room_settings import RoomSettings


def impulse_response(settings: RoomSettings) -> np.ndarray:
    """The room's response to a click from the speaker, delay included; its energy is ``gain_db``."""
    rng = np.random.default_rng(settings.seed)
    delay = int(round(settings.delay_ms * RATE / 1000))
    length = max(1, int(settings.rt60 * RATE))            # by then the tail is 60 dB down: negligible
    t = np.arange(1, length) / RATE
    tail = rng.normal(0.0, 1.0, length - 1) * 10 ** (-3.0 * t / settings.rt60)  # -60 dB at rt60
    tail *= np.sqrt(10 ** (-settings.direct_to_reverb_db / 10) / max(float(np.sum(tail ** 2)), 1e-12))
    response = np.concatenate([np.zeros(delay), [1.0], tail])
    return response * np.sqrt(10 ** (settings.gain_db / 10) / float(np.sum(response ** 2)))


class RoomEcho:
    """What the microphone picks up of the device: feed what was played, chunk after chunk, and get
    the echo (and the room's noise) over the same samples. A chunk's echo carries on into the next
    chunks (the delay, the reverberation), so the chunks must follow each other without gaps."""

    def __init__(self, settings: RoomSettings) -> None:
        self.settings = settings
        self.response = impulse_response(settings)
        self._tail = np.zeros(len(self.response) - 1)    # echo of earlier chunks still to arrive
        self._spectra: dict[int, np.ndarray] = {}
        self._noise = np.random.default_rng([settings.seed, 1])  # its own stream: independent of the response

    def hear(self, played: np.ndarray) -> np.ndarray:
        """The echo of ``played`` plus noise, as float samples (int16 scale), ``len(played)`` long."""
        n = len(played)
        size = 1 << int(np.ceil(np.log2(n + len(self.response))))
        if size not in self._spectra:
            self._spectra[size] = np.fft.rfft(self.response, size)
        # Convolution by FFT (overlap-add): a direct convolution with a 0.3 s response is too slow.
        full = np.fft.irfft(np.fft.rfft(played.astype(np.float64), size) * self._spectra[size], size)
        full = full[:n + len(self._tail)]
        full[:len(self._tail)] += self._tail
        echo, self._tail = full[:n], full[n:]
        if self.settings.noise_db is not None:
            echo = echo + self._noise.normal(0.0, 32768 * 10 ** (self.settings.noise_db / 20), n)
        return echo


class RoomMicrophone:
    """The listening side of a simulated room: a person's speech (the input file) plus the device's
    echo, through the same echo stage as the live room, with what was played as its reference. With
    ``settings.warm_up`` the device was started before the input begins and its warm-up sound went
    through this room then: the canceller starts trained."""

    def __init__(self, settings: RoomSettings) -> None:
        self.settings = settings
        self.echo = RoomEcho(settings)
        self.stage = EchoStage()
        if settings.warm_up:
            sound = warm_up_sound()
            self.hear(np.zeros(len(sound)), sound)   # before the input: its echo has died away by then

    def hear(self, speech: np.ndarray, played: np.ndarray) -> tuple[np.ndarray, Far]:
        """What the recogniser gets for ``speech`` while the device played ``played`` (same length),
        and what the endpointer needs of the device's side (``EchoStage.hear``)."""
        mic = np.clip(np.round(speech + self.echo.hear(played)), -32768, 32767).astype(np.int16)
        return self.stage.hear(mic, played)

    def close(self) -> None:
        self.stage.close()
