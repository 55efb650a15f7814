"""The previous listening stage exactly, as the benchmark's baseline row: ``python bench/baseline.py``
(called by ``bench/ears.py``). PocketSphinx with its rejection, behind the end-of-speech detection as
it was before this stage was redesigned (a fixed 12 dB start margin), on the test clips. (``ears.py``'s
own PocketSphinx row hears through today's detection, which shows what that change alone does.)
"""

from __future__ import annotations

import json
import sys
from multiprocessing import Pool
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from ears import CORPUS, FEATURES, load_rows  # noqa: E402
from voice.audio.endpoint import EndpointSettings  # noqa: E402

BEFORE = EndpointSettings(min_start_margin_db=12.0)
"""With the start margin fixed at 12 dB the detection is the earlier one, frame for frame."""
_state: dict = {}


def _init() -> None:
    from voice.library.intents import load_catalogue
    from voice.library.rituals import load_library
    from voice.device.evaluate import ListeningPipeline
    from voice.speech.engines import ENGINES, Setup
    catalogue = load_catalogue(load_library().spoken_names())
    _state["pipeline"] = ListeningPipeline(ENGINES["pocketsphinx"].build(Setup(catalogue)), catalogue,
                                           endpoint=BEFORE)


def _decide(job: tuple[str, list[str]]) -> dict:
    from voice.audio.convert import read_wav
    audio_name, contexts = job
    audio = read_wav(CORPUS / audio_name)
    out = {"audio": audio_name, "contexts": {}}
    for context in contexts:
        match, ms = _state["pipeline"].decide(audio, context)
        out["contexts"][context] = {"sphinx": None if match is None else [match.intent, match.slots.get("ritual")],
                                    "sphinx_ms": round(ms, 2)}
    return out


def main(workers: int = 2) -> Path:
    jobs: dict[str, list[str]] = {}
    for r in load_rows():
        if r["split"] == "test":
            jobs.setdefault(r["audio"], []).append(r["context"])
    path = FEATURES / "baseline.jsonl"
    with path.open("w") as f, Pool(workers, initializer=_init) as pool:
        for result in pool.imap_unordered(_decide, sorted(jobs.items()), chunksize=8):
            f.write(json.dumps(result) + "\n")
    return path


if __name__ == "__main__":
    print(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2))
