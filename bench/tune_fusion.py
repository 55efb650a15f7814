"""Chooses the listening stage's numbers on the DEVELOPMENT split only: ``python bench/tune_fusion.py``
(after ``python bench/ears.py --split dev`` has heard it).

The development split is its own voice families (piper, espeak-ng), its own own-words phrasings and
its own everyday sentences (``bench/phrasings.yaml``); the test split is never read here. Per context:
0. the scorer's verifier (``voice.speech.verify``): a logistic regression over its ``INPUTS``, fitted on
   every development utterance the scorer put a readable phrase on (1 when that phrase is what was
   meant, 0 otherwise);
1. the scorer's floor when it is used alone;
2. the fused rule's evidence weights: a logistic regression, fitted on every development utterance
   the scorer put a phrase on and the second opinion does not agree with, as the rule weighs only
   those (1 when that phrase is what was meant, 0 otherwise: other speech, or the wrong command),
   over ``voice.speech.fusion.features``;
3. the rule's ``sure``, ``floor``, ``accept`` and ``own_words``, by search: the most accurate
   setting whose false accepts stay within ``MAX_FALSE`` (ties: fewer second opinions).
It prints the settings to put into ``VERIFIERS``, ``CtcSettings`` and ``FusionSettings`` (they are code, not a file
read at run time). ``--keep-verifier`` skips step 0 and chooses the rest over the verifier as shipped.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from ears import FEATURES, load_rows  # noqa: E402
from ears_tables import ctc_alone, fused, load_features, read, score, support, verified  # noqa: E402
from voice.speech.ctc_engine import CtcSettings  # noqa: E402
from voice.speech.ctc_graph import GARBAGE  # noqa: E402
from voice.speech.fusion import FusionSettings, Rule, features  # noqa: E402
from voice.speech.verify import Verifier, verifier  # noqa: E402

MAX_FALSE = 0.005
"""Allowed share of development sentences taken as a command, per context (the target is 0.5 %)."""


def _measure(rows: list[dict], feats: dict, pipeline) -> tuple[float, float, float]:  # noqa: ANN001
    """(accuracy, false-accept share, second-opinion share) of ``pipeline`` over ``rows``."""
    r = score(rows, feats, pipeline)
    return r["overall_accuracy"] or 0.0, r["overall_false_accepts"] or 0.0, r["second_share"] or 0.0


def _scored(rows: list[dict], feats: dict):  # noqa: ANN202
    """(row, utterance, the scorer's match, whether it is what was meant) for every development
    utterance the scorer put a readable phrase on."""
    for row in rows:
        feat = feats.get(row["audio"], {}).get("contexts", {}).get(row["context"])
        for u in (feat or {}).get("utterances", []):
            phrase = u["forced"] or ""
            mine = read(phrase, row["context"]) if phrase and GARBAGE not in phrase and u.get("verify_inputs") else None
            if mine is None:
                continue
            want = row["expect"] and (row["expect"]["intent"], row["expect"].get("ritual"))
            yield row, u, mine, float(bool(want) and want == (mine.intent, mine.slots.get("ritual")))


def fit_verifier(rows: list[dict], feats: dict) -> Verifier:
    x = np.array([u["verify_inputs"] for _r, u, _m, _y in _scored(rows, feats)], dtype=float)
    y = np.array([ok for *_rest, ok in _scored(rows, feats)])
    means, scales = x.mean(axis=0), x.std(axis=0) + 1e-9
    w = fit_logistic(np.hstack([np.ones((len(x), 1)), (x - means) / scales]), y, steps=6000)
    r = lambda v: tuple(round(float(a), 4) for a in v)  # noqa: E731
    return Verifier(r(w), r(means), r(scales))


def _samples(rows: list[dict], feats: dict, verifiers: dict[str, Verifier]) -> tuple[np.ndarray, np.ndarray]:
    x, y = [], []
    for row, u, mine, ok in _scored(rows, feats):
        theirs = read(u["whisper_text"], row["context"]) if u["whisper_text"] else None
        if theirs is not None and (theirs.intent, theirs.slots) == (mine.intent, mine.slots):
            continue  # the rule takes these on the agreement: the evidence weighs only disagreements
        p = verified(u, row["context"], verifiers)
        x.append(features(p, u["forced"], u["whisper_text"], support()(u["whisper_text"], mine, row["context"])))
        y.append(ok)
    return np.array(x), np.array(y)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 4000) -> np.ndarray:
    """Weights by gradient descent on the log-loss (features are 0-1 or small: no scaling needed)."""
    w = np.zeros(x.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        w -= 0.5 * (x.T @ (p - y) / len(y) + l2 * w)
    return w


def main() -> None:
    feats = load_features(FEATURES / "features.jsonl")
    rows = [r for r in load_rows() if r["split"] == "dev"]
    if "--keep-verifier" in sys.argv:  # only the rule is chosen again, over the verifier as shipped
        verifiers = {context: verifier(context) for context in ("idle", "turn")}
    else:
        verifiers = {context: fit_verifier([r for r in rows if r["context"] == context], feats)
                     for context in ("idle", "turn")}
    for context, v in verifiers.items():
        print(f"verifier, {context}: {v}")
    for context in ("idle", "turn"):
        mine = [r for r in rows if r["context"] == context]
        best = None
        for floor in np.arange(0.02, 1.0, 0.02):
            acc, fa, _ = _measure(mine, feats, ctc_alone(CtcSettings(idle_floor=floor, turn_floor=floor), verifiers))
            if fa <= MAX_FALSE and (best is None or acc > best[0]):
                best = (acc, fa, round(float(floor), 3))
        print(f"ctc alone, {context}: floor={best[2]} (dev accuracy {best[0]:.1%}, false accepts {best[1]:.2%})"
              if best else f"ctc alone, {context}: nothing within {MAX_FALSE:.1%}")
        x, y = _samples(mine, feats, verifiers)
        weights = tuple(round(float(v), 3) for v in fit_logistic(x, y))
        print(f"  evidence weights, {context}: {weights} ({int(y.sum())} right / {len(y)} phrases)")
        best = None
        grid = itertools.product((0.5, 0.7, 0.8, 0.9, 0.95, 0.98), (0.01, 0.03, 0.05, 0.1, 0.2, 0.3),
                                 (0.5, 0.6, 0.7, 0.8, 0.9, 1.01), (92.0, 101.0), (1.5, 2.0, 9.0), (0, 4))
        for sure, floor, accept, own, extra, phones in grid:
            rule = Rule(sure, floor, weights, accept, own, extra, phones)
            acc, fa, asked = _measure(mine, feats, fused(FusionSettings(idle=rule, turn=rule), verifiers))
            key = (acc, -asked)
            if fa <= MAX_FALSE and (best is None or key > best[0]):
                best = (key, fa, rule)
        if best:
            (acc, asked), fa, rule = best
            print(f"fused, {context}: {rule} (dev accuracy {acc:.1%}, false accepts {fa:.2%}, "
                  f"second opinion {-asked:.0%})")
        else:
            print(f"fused, {context}: nothing within {MAX_FALSE:.1%}")


if __name__ == "__main__":
    main()
