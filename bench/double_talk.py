"""Chooses the endpointer's double-talk threshold on development voices only: ``python bench/double_talk.py
[--warm-up]``. The canceller starts cold unless ``--warm-up`` (the hard case; the device ships
warmed up), and the endpointer is otherwise as shipped (its table in BENCHMARKS.md was measured
before the floor's limit, ``EndpointSettings.floor_min_db``, existed).

The endpointer alone (no recogniser) over the simulated room and the real Speex canceller: the
device says the bedtime check-in's first prompts (rendered once by ``rituals listen``), and one of
the development voices (piper joe, espeak-ng; bench/corpus.py) says "stop" at a seeded random moment
inside one of the first three prompts, in three rooms: the default bedside one, the living room of
bench/stop.py, and the virtual sound card's path (no delay, the echo as loud as what is played).
The hall and flite's voices, which bench/stop.py reports on, are not used here. For each threshold
(``None``: the rule off) it prints how often the stop got an utterance of its own (one that starts
between 0.3 s before the word and its end, ends within 1 s after it, and no utterance that began
earlier still runs over its start), how many utterances the echo started before the stop, and how
many it started over 60 s of prompts with nobody speaking.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from voice.audio import FRAME, RATE  # noqa: E402
from voice.audio.endpoint import Endpointer, EndpointSettings, SpeechEnded, SpeechStarted  # noqa: E402
from voice.audio.measure import sound_spans  # noqa: E402
from voice.audio.room import RoomMicrophone  # noqa: E402
from voice.audio.room_settings import RoomSettings  # noqa: E402
from voice.cli.render import add_render_arguments, room_settings  # noqa: E402

from corpus import DEV_VOICES, synth  # noqa: E402
from stop import ROOMS as STOP_ROOMS  # noqa: E402

ROOM_OPTIONS = {"bedside": STOP_ROOMS["bedside"], "living": STOP_ROOMS["living"],
                "card": ("--room-delay-ms", "0", "--room-gain-db", "0", "--room-rt60", "0.05")}
"""The rooms, as ``rituals listen`` options: bench/stop.py's first two and the virtual card's path."""
THRESHOLDS = (None, 1.5, 2.0, 2.5, 3.0, 3.5, 4.5)
QUIET = 60.0


def settings(room: str, seed: int, warm: bool) -> RoomSettings:
    """The room as the CLI's own options make it."""
    parser = argparse.ArgumentParser()
    add_render_arguments(parser)
    args = parser.parse_args(["--room", *ROOM_OPTIONS[room]])
    args.input = "in.wav"                       # (room_settings: the options are for files)
    return dataclasses.replace(room_settings(args), seed=seed, warm_up=warm)


def utterances(job: tuple) -> dict[str, list[tuple[float, float]]]:
    """Per threshold, the utterances (start, end) cut from one session's microphone."""
    played, room, seed, at, clip, warm = job
    end = int((at + len(clip) / RATE + 1.5) * RATE) if at is not None else int(QUIET * RATE)
    played = np.concatenate([played, np.zeros(max(0, end - len(played)), np.int16)])[:end]
    speech = np.zeros(end)
    if at is not None:
        i = int(at * RATE)
        speech[i:i + len(clip)] += clip[:end - i]
    microphone = RoomMicrophone(settings(room, seed, warm))
    chunks = [microphone.hear(speech[k:k + FRAME], played[k:k + FRAME]) for k in range(0, end - FRAME + 1, FRAME)]
    microphone.close()
    found = {}
    for threshold in THRESHOLDS:
        endpointer, cut, start = Endpointer(EndpointSettings(double_talk_db=threshold)), [], None
        for j, (clean, far) in enumerate(chunks):
            for event in endpointer.feed(clean, (j + 1) * FRAME / RATE, far):
                if isinstance(event, SpeechStarted):
                    start = event.at
                elif isinstance(event, SpeechEnded):
                    cut.append((start, event.at))
                    start = None
        found[str(threshold)] = cut + ([(start, float("inf"))] if start is not None else [])
    return found


def prompts(work: Path) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """What the device plays in a check-in nobody interrupts, and its first three prompts' spans."""
    from speech import silence, write
    from voice.audio.convert import read_wav
    request = np.concatenate([silence(0.5), synth("espeak-ng", "en-gb", "let's check in"), silence(QUIET)])
    inp = write(work / "in.wav", request)
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(work / "data"), "listen", "--input",
                             str(inp), "--output", str(work / "out.wav"), "--json"], capture_output=True,
                            text=True, cwd=ROOT, check=True)
    says = [a for a in json.loads(result.stdout)["actions"] if a["kind"] == "say" and a["start"] is not None]
    return read_wav(work / "out.wav"), [(a["start"], a["end"]) for a in says[:3]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-up", action="store_true", help="the canceller warmed up before each session")
    parser.add_argument("--per-voice", type=int, default=4, help="stops per voice and room")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory() as tmp:
        played, spans = prompts(Path(tmp))
    first = spans[0][0]
    clips = {voice: synth(engine, voice, "stop") for engine, voice in DEV_VOICES}
    jobs, meta = [], []
    for room in ROOM_OPTIONS:
        for _, voice in DEV_VOICES:
            for _ in range(args.per_voice):
                start, end = spans[int(rng.integers(len(spans)))]
                at = float(rng.uniform(start, end - 0.5))
                word = sound_spans(clips[voice])
                jobs.append((played, room, 500 + len(jobs), at, clips[voice], args.warm_up))
                meta.append((room, at + word[0][0], at + word[-1][1]))
        for q in range(3):
            jobs.append((played, room, 900 + q, None, None, args.warm_up))
            meta.append((room, None, None))
    with ProcessPoolExecutor(2) as pool:
        found = list(pool.map(utterances, jobs))
    print(f"Canceller {'warmed up' if args.warm_up else 'cold'}; development voices; {args.per_voice} stops "
          f"per voice and room.\n")
    print("| double_talk_db | room | stop in an utterance of its own | echo starts before the stop | "
          f"echo starts, {QUIET:g} s with nobody speaking |")
    print("|---|---|---|---|---|")
    for threshold in map(str, THRESHOLDS):
        for room in ROOM_OPTIONS:
            alone = stops = before = quiet = 0
            for (where, begins, ends), cuts in zip(meta, found):
                if where != room:
                    continue
                cut = cuts[threshold]
                if begins is None:
                    quiet += sum(1 for s, _ in cut if s > first)
                    continue
                stops += 1
                before += sum(1 for s, _ in cut if first < s < begins - 0.3)
                alone += (any(begins - 0.3 <= s <= ends and e <= ends + 1.0 for s, e in cut)
                          and not any(s < begins - 0.3 and e > begins for s, e in cut))
            print(f"| {'off' if threshold == 'None' else threshold + ' dB'} | {room} | {alone} of {stops} | "
                  f"{before} | {quiet} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
