"""Collects PocketSphinx's rejection evidence per clip (bench/out/features.json), to choose the
rejection thresholds from data instead of by hand: ``python bench/features.py [SNR ...]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intents import load_catalogue  # noqa: E402
from prompts import load_library  # noqa: E402
from voice.audio.convert import read_wav  # noqa: E402
from voice.audio.sources import CHUNK  # noqa: E402
from voice.listen import Listener  # noqa: E402
from voice.matcher import recognize  # noqa: E402
from voice.runner import Utterance  # noqa: E402
from voice.speech.sphinx import SphinxRecognizer, SphinxSettings  # noqa: E402

OUT = ROOT / "bench" / "out"


def main() -> None:
    snrs = set(sys.argv[1:]) or {"clean", "20"}
    library = load_library()
    catalogue = load_catalogue({n: r.id for r in library.rituals.values() for n in r.spoken_names})
    # Accept everything at the recogniser: the thresholds are applied afterwards, from the evidence.
    recognizer = SphinxRecognizer(catalogue, SphinxSettings(min_phone_similarity=-1, max_phone_ratio=1e9,
                                                            min_score_gap=-1e9))
    rows = [json.loads(line) for line in (OUT / "manifest-rituals.jsonl").read_text().splitlines()]
    out = []
    for row in rows:
        if str(row["snr"]) not in snrs:
            continue
        audio = np.concatenate([read_wav(OUT / "corpus" / row["audio"]), np.zeros(16000, np.int16)])
        listener = Listener(recognizer)
        listener.set_context(row["context"])
        utterances = []
        for i in range(0, len(audio), CHUNK):
            utterances += [it for _, it in listener.feed(audio[i:i + CHUNK], (i + CHUNK) / 16000)
                           if isinstance(it, Utterance)]
        for u in utterances:
            match = recognize(u.text, catalogue, row["context"]) if u.text else None
            got = None if match is None else [match.intent, match.slots.get("ritual")]
            out.append({"snr": row["snr"], "expect": row["expect"], "got": got, **u.detail})
    (OUT / "features.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
