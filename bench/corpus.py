"""Generates the benchmark corpus: spoken commands and everyday sentences that must trigger nothing,
several offline voices, pink noise and babble at clean / 20 / 10 / 5 dB SNR. Nothing is committed.

SNR = 10 log10(active speech power / noise power): the speech's power over its active 30 ms frames
(those within 35 dB of its loudest frame, so the synthesisers' own silent padding does not count),
the noise's over the whole clip. The noise runs through the whole clip: 1.5 s of it before the
speech (a device listens all the time, so it has heard the room before anyone speaks) and 1 s after.
Each command and sentence gets pink noise at some SNRs and babble at the others, alternating, so
every SNR has both kinds in equal parts.
"""

from __future__ import annotations

import json
import random
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from voice.audio import RATE
from voice.audio.convert import read_wav, write_wav
from voice.audio.endpoint import FRAME

VOICES = [("flite", "slt"), ("flite", "rms"), ("flite", "awb"), ("flite", "kal16"), ("espeak-ng", "en-us+f3")]
SNRS = [None, 20, 10, 5]

COMMANDS = {  # (context, text, intent, ritual)
    "idle": [
        ("let's check in", "start_ritual", "bedtime_check_in"),
        ("let's do the six second kiss", "start_ritual", "six_second_kiss"),
        ("let's do the appreciation round", "start_ritual", "appreciation_round"),
        ("let's have our morning coffee", "start_ritual", "morning_coffee"),
        ("start the weekly check in", "start_ritual", "weekly_check_in"),
        ("let's do the deeper questions", "start_ritual", "deeper_questions"),
        ("let's do the reunion greeting", "start_ritual", "reunion_greeting"),
        ("let's do the love story", "start_ritual", "love_story"),
        ("what rituals are there", "list_rituals", None),
        ("help", "help", None),
        ("what's our streak", "ask_streak", None),
    ],
    "turn": [
        ("stop", "stop", None), ("stop it", "stop", None), ("pause", "pause", None), ("hold on", "pause", None),
        ("resume", "resume", None), ("keep going", "resume", None), ("skip", "skip", None),
        ("next question", "skip", None), ("repeat that", "repeat", None), ("say that again", "repeat", None),
        ("how much time is left", "time_left", None), ("I'm done", "done", None), ("that's it", "done", None),
    ],
}

DISTRACTORS = [
    "I love you so much", "did you feed the cat", "let's do the dishes", "what time is it",
    "I think it's going to rain tomorrow", "the kids were so loud today", "pass me the water please",
    "I appreciate you stopping at the store", "I'm done with that project", "the meeting was paused twice",
    "I wanted to skip lunch today", "she said stop by later", "we should check the oven",
    "my mother called again", "I had a really long day at work", "we went to the park after lunch",
    "can you turn off the light", "the train was late again", "I'm so tired tonight", "that was a good movie",
    "remember to buy milk", "your sister sent a message", "I need a new pair of shoes",
    "the dog needs a walk", "let's go to bed", "I can't find my keys", "it was nice to see your parents",
    "how was your day", "I'm worried about the bills", "let's watch something funny",
    "tell me about your meeting", "the garden looks lovely", "I'll make some tea", "we need to call the plumber",
    "that's a lovely idea", "next week is going to be busy", "I keep thinking about the trip",
    "the neighbours are having a party", "did you hear that noise", "I finished the book you gave me",
]


def synth(engine: str, voice: str, text: str) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.wav"
        if engine == "flite":
            cmd = ["flite", "-voice", voice, "-t", text, "-o", str(path)]
        else:
            cmd = ["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text]
        subprocess.run(cmd, check=True, capture_output=True)
        return read_wav(path)


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    spectrum = np.fft.rfft(rng.normal(0, 1, n))
    spectrum[1:] /= np.sqrt(np.arange(1, len(spectrum)))
    noise = np.fft.irfft(spectrum, n)
    return noise / np.std(noise)


def babble(n: int, rng: np.random.Generator, bank: list[np.ndarray]) -> np.ndarray:
    out = np.zeros(n)
    for clip in rng.choice(len(bank), 4, replace=False):
        tiled = np.tile(bank[clip].astype(float), n // len(bank[clip]) + 2)
        start = rng.integers(0, len(bank[clip]))
        out += tiled[start:start + n]
    return out / np.std(out)


LEAD, TAIL = 1.5, 1.0


def active_power(speech: np.ndarray) -> float:
    """Mean power over the 30 ms frames within 35 dB of the loudest one."""
    frames = speech[:len(speech) // FRAME * FRAME].astype(float).reshape(-1, FRAME)
    power = np.mean(frames ** 2, axis=1)
    return float(np.mean(power[power >= power.max() * 10 ** -3.5]))


def mix(speech: np.ndarray, snr: float | None, kind: str, rng: np.random.Generator, bank: list[np.ndarray]) -> np.ndarray:
    clip = np.concatenate([np.zeros(int(LEAD * RATE)), speech, np.zeros(int(TAIL * RATE))])
    if snr is None:
        return clip.astype(np.int16)
    noise = pink(len(clip), rng) if kind == "pink" else babble(len(clip), rng, bank)
    noise *= np.sqrt(active_power(speech) / 10 ** (snr / 10))
    return np.clip(clip + noise, -32768, 32767).astype(np.int16)


def generate(out: Path, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    random.seed(seed)
    out.mkdir(parents=True, exist_ok=True)
    bank = [synth("flite", "kal", s) for s in DISTRACTORS[:12]]  # the babble's talkers: not a test voice
    manifest = []
    n = 0
    entries = [(ctx, t, i, r) for ctx, rows in COMMANDS.items() for t, i, r in rows]
    entries += [(ctx, t, None, None) for t in DISTRACTORS for ctx in ("idle", "turn")]
    for engine, voice in VOICES:
        for e, (context, text, intent, ritual) in enumerate(entries):
            speech = synth(engine, voice, text)
            for s, snr in enumerate(SNRS):
                kind = "clean" if snr is None else ("pink" if (e + s) % 2 == 0 else "babble")
                name = f"c{n:05d}.wav"
                write_wav(out / name, mix(speech, snr, kind, rng, bank))
                expect = None if intent is None else {"intent": intent, **({"ritual": ritual} if ritual else {})}
                manifest.append({"audio": name, "context": context, "expect": expect, "text": text,
                                 "voice": f"{engine}:{voice}", "snr": "clean" if snr is None else snr, "noise": kind})
                n += 1
    path = out / "manifest.jsonl"
    path.write_text("".join(json.dumps(m) + "\n" for m in manifest))
    return path
