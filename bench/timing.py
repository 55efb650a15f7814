"""The listening stage's compute, on a quiet machine: ``python bench/timing.py [--clips 300]``.

``bench/ears.py`` times every engine while hearing the whole corpus on both cores, often beside
other work; this hears a seeded sample of the test clips again in one process (the cores otherwise
idle) and decides them with today's fused rule and the rule of 2026-12-02 from those fresh timings,
so that the latency figures can be read without the load of a long run. Prints one markdown table.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import ears  # noqa: E402
from ears_tables import fused, score  # noqa: E402
from voice.speech.fusion import FusionSettings  # noqa: E402


def main() -> None:
    clips = int(sys.argv[sys.argv.index("--clips") + 1]) if "--clips" in sys.argv else 300
    rows = [r for r in ears.load_rows() if r["split"] == "test" and not r["voice"].startswith("real:librivox")]
    chosen = set(random.Random(7).sample(sorted({r["audio"] for r in rows}), clips))
    rows = [r for r in rows if r["audio"] in chosen]
    ears._init_worker()
    feats = {}
    for name in sorted(chosen):
        contexts = sorted({r["context"] for r in rows if r["audio"] == name})
        feats[name] = ears.hear_audio(name, ears.read_wav(ears.CORPUS / name), contexts, False)
    from previous import SECOND  # the rule of 2026-12-02, decided from the same fresh timings
    ctc = [u["ctc_ms"] for f in feats.values() for c in f["contexts"].values() for u in c["utterances"]]
    whisper = [u["whisper_ms"] for f in feats.values() for c in f["contexts"].values() for u in c["utterances"]]
    p = lambda v, q: float(np.percentile(v, q))  # noqa: E731
    print("| rule | clips (rows) | scorer p50 / p95 ms | Whisper p50 / p95 ms | fused compute p50 / p95 ms "
          "| after end of speech p50 / p95 ms | second opinion |")
    print("|---|---|---|---|---|---|---|")
    for name, settings in (("shipped", FusionSettings()), ("rule of 2026-12-02", SECOND)):
        r = score(rows, feats, fused(settings))
        print(f"| {name} | {clips} ({len(rows)}) | {p(ctc, 50):.0f} / {p(ctc, 95):.0f} "
              f"| {p(whisper, 50):.0f} / {p(whisper, 95):.0f} | {r['latency_p50']:.0f} / {r['latency_p95']:.0f} "
              f"| {r['after_p50']:.0f} / {r['after_p95']:.0f} | {r['second_share']:.1%} |")


if __name__ == "__main__":
    main()
