"""Noise front ends, measured: ``python bench/frontends.py`` (called by ``bench/ears.py``).

The same sample of test clips (seeded: 240 commands over every condition, 240 other sentences) is
heard three times: as recorded, through RNNoise and through Speex's preprocessor
(``frontends_filters``), before the end-of-speech detection, so both engines hear the filtered audio.
Each is decided by the product's fused rule. Neither filter is in the product: the table says why.
"""

from __future__ import annotations

import random
import sys
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import ears  # noqa: E402
from ears_tables import CONDITIONS, fused, pct, score  # noqa: E402
from voice.speech.fusion import FusionSettings  # noqa: E402

FRONTS = ("none", "rnnoise", "speex")


def _hear(job: tuple[str, str, list[str]]) -> tuple[str, dict]:
    front, audio_name, contexts = job
    from frontends_filters import denoise
    from voice.audio.convert import read_wav
    audio = read_wav(ears.CORPUS / audio_name)
    filtered = audio if front == "none" else denoise(audio, front)
    return front, ears.hear_audio(audio_name, filtered, contexts, baseline=False)


def main(workers: int = 2) -> str:
    rows = [r for r in ears.load_rows() if r["split"] == "test" and r["kind"] != "real"]
    rng = random.Random(11)
    commands, others = [r for r in rows if r["expect"]], [r for r in rows if not r["expect"]]
    sample = rng.sample(commands, min(240, len(commands))) + rng.sample(others, min(240, len(others)))
    jobs: dict[str, list[str]] = {}
    for r in sample:
        jobs.setdefault(r["audio"], []).append(r["context"])
    feats: dict[str, dict[str, dict]] = {f: {} for f in FRONTS}
    with Pool(workers, initializer=ears._init_worker) as pool:
        for front, result in pool.imap_unordered(_hear, [(f, a, c) for f in FRONTS for a, c in sorted(jobs.items())]):
            feats[front][result["audio"]] = result
    out = ["| front end | " + " | ".join(CONDITIONS) + " | mean | false accepts idle | turn |",
           "|---|" + "---|" * (len(CONDITIONS) + 3)]
    for front in FRONTS:
        r = score(sample, feats[front], fused(FusionSettings()))
        a, fa = r["accuracy"], r["false_accepts"]
        out.append(f"| {front} | " + " | ".join(pct(a.get(c)) for c in CONDITIONS)
                   + f" | {pct(r['mean_accuracy'])} | {pct(fa.get('idle'))} | {pct(fa.get('turn'))} |")
    return "\n".join(out)


if __name__ == "__main__":
    print(main())
