"""Chooses the endpointer's lowest noise floor on development voices only: ``python bench/floor.py``.

A microphone that gates its silence to digital zero puts the endpointer's floor at -90 dBFS, and a
word's inaudible decay then counts as speech (a stop over the silent timer in bench/stop.py's
bedside room was decided 320-394 ms after the word, where over a -70 dBFS noise it took 270 ms).
Here every template command and the development half of the own-words phrasings (bench/phrasings.yaml),
said by each development voice (piper joe, espeak-ng; bench/corpus.py; never flite or festival,
which bench/stop.py reports on), goes through the listener (fused stage, the shipped endpointer
with each candidate ``floor_min_db``; ``None``: no limit) in digital silence. Printed per candidate: the
commands understood (intent right), how long after the word's end (the last sample over 200, as
bench/stop.py measures it) the endpointer's last speech frame fell, and the reaction to the stops
(the word's end to the moment the listener handed the stop on).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from voice.audio import RATE  # noqa: E402
from voice.audio.endpoint import Endpointer, EndpointSettings  # noqa: E402
from voice.audio.measure import sound_spans  # noqa: E402

from corpus import DEV_VOICES, PHRASINGS, synth  # noqa: E402

CANDIDATES = (None, -80.0, -70.0, -60.0)
LEAD, TAIL = 1.0, 1.5
"""Digital silence before and after each command (the floor is learnt in the first)."""


def hear(job: tuple) -> list[dict]:
    """One voice's clips through the listener, once per candidate."""
    engine, voice, rows = job
    from voice.core.devices import Utterance
    from voice.core.matcher import recognize
    from voice.device.listen import Listener
    from voice.library.intents import load_catalogue
    from voice.library.rituals import load_library
    from voice.speech.ctc_engine import CtcRecognizer
    from voice.speech.fusion import FusedRecognizer
    from voice.speech.whisper_engine import WhisperRecognizer
    catalogue = load_catalogue(load_library().spoken_names())
    fused = FusedRecognizer(CtcRecognizer(catalogue), WhisperRecognizer(catalogue, cpu_threads=1), catalogue)
    out = []
    for row in rows:
        clip = synth(engine, voice, row["text"])
        audio = np.concatenate([np.zeros(int(LEAD * RATE), np.int16), clip, np.zeros(int(TAIL * RATE), np.int16)])
        word_end = LEAD + sound_spans(clip)[-1][1]
        for floor in CANDIDATES:
            listener = Listener(fused, Endpointer(dataclasses.replace(EndpointSettings(), floor_min_db=floor)))
            listener.set_context(row["context"])
            heard = []
            for i in range(0, len(audio), 320):  # 20 ms chunks, as the rooms feed them
                heard += [(t, u) for t, u in listener.feed(audio[i:i + 320], (i + 320) / RATE)
                          if isinstance(u, Utterance)]
            match = recognize(heard[0][1].text, catalogue, row["context"]) if len(heard) == 1 else None
            out.append({"floor": floor, "intent": row["intent"], "right": match is not None and match.intent == row["intent"],
                        "lag": heard[-1][1].speech_end - word_end if heard and heard[-1][1].speech_end else None,
                        "reaction": heard[0][0] - word_end if heard and row["intent"] == "stop" else None})
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    rows = PHRASINGS["commands"] + PHRASINGS["own_words_dev"]
    with ProcessPoolExecutor(args.jobs) as pool:
        results = [r for part in pool.map(hear, [(e, v, rows) for e, v in DEV_VOICES]) for r in part]
    print(f"Development voices ({len(DEV_VOICES)}), {len(rows)} commands each, in digital silence, fused stage.")
    print()
    print("| floor_min_db | commands understood | last speech frame after the word, p50 / p95 | stop reaction p50 / p95 |")
    print("|---|---|---|---|")
    for floor in CANDIDATES:
        mine = [r for r in results if r["floor"] == floor]
        lags = [r["lag"] for r in mine if r["lag"] is not None]
        stops = [r["reaction"] for r in mine if r["reaction"] is not None]

        def ms(values: list[float]) -> str:
            return " / ".join(f"{np.percentile(values, q) * 1000:.0f}" for q in (50, 95)) + " ms" if values else "-"
        print(f"| {'none' if floor is None else f'{floor:.0f} dBFS'} | {sum(r['right'] for r in mine)} of {len(mine)} | "
              f"{ms(lags)} | {ms(stops)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
