"""The simulated room's settings, apart from its numpy code: the CLI builds its options from them
without importing numpy (a typed ``rituals understand`` must not pay for audio)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoomSettings:
    """The acoustic path from the device's speaker to its microphone; the defaults are a quiet
    bedroom with the device on a bedside table (the CLI's ``--room`` without further options)."""

    delay_ms: float = 40.0
    """Speaker to microphone, including the sound card's buffers: 20-60 ms on real devices (the
    virtual sound card measured 64 ms); within the canceller's 200 ms filter either way."""
    gain_db: float = -6.0
    """Level of the whole echo (direct sound and reverberation) against what the device plays. A
    speaker next to its microphone is loud: -6 dB makes the echo about as loud as a person talking
    to the device in the test recordings, the hard case for barge-in."""
    rt60: float = 0.3
    """Seconds for the reverberation to decay by 60 dB: 0.3-0.5 s in furnished living rooms and
    bedrooms. Reverberation beyond the canceller's 200 ms filter stays as residual echo, as at home."""
    direct_to_reverb_db: float = 6.0
    """Energy of the direct sound over that of the reverberant tail: the speaker is close to the
    microphone, so the direct sound dominates."""
    noise_db: float | None = None
    """RMS level (dBFS) of the room's steady (white) noise; ``None``: a silent room. -60 is a quiet
    room with a fan."""
    warm_up: bool = True
    """The device played the warm-up sound (``voice/audio/echo_stage.py``) through this room when it
    started, before the input begins, and its echo canceller learnt the room from it, as the live
    room does when its microphone opens. ``rituals listen --no-warm-up``: the canceller starts cold
    (the benchmark's baseline)."""
    seed: int = 0
    """Seeds the impulse response and the noise: the same seed gives the same room, sample for sample."""
