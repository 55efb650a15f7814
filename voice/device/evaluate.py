"""``rituals eval``: how well the listening path understands a labelled corpus.

Each clip goes through the same path as ``rituals listen`` (end-of-speech detection, recogniser,
matcher). Latency is the compute time after the end of speech was detected (recogniser finish plus
matcher), not the trailing silence itself, which is a setting.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from voice.library.intents import CONTEXTS, Catalogue
from voice.audio import FRAME, RATE
from voice.audio.convert import read_wav
from voice.audio.endpoint import EndpointSettings, Endpointer
from voice.errors import AudioError
from voice.device.listen import Listener
from voice.core.matcher import Match, recognize
from voice.core.devices import Utterance
from voice.speech.recognizer import Recognizer

Expect = tuple[str, str | None] | None


@dataclass(frozen=True)
class Item:
    """One labelled clip."""

    audio: Path
    context: str
    expect: Expect
    """(intent, ritual) that must come out, or ``None`` for speech that must trigger nothing."""
    line: int


class Pipeline(Protocol):
    name: str

    def decide(self, audio: np.ndarray, context: str) -> tuple[Match | None, float]:
        """The decision for one clip, and the compute latency (ms) after the end of speech."""
        ...


class ListeningPipeline:
    """This project's path: endpointer -> recogniser (with its rejection) -> whole-utterance matcher."""

    def __init__(self, recognizer: Recognizer, catalogue: Catalogue, name: str = "",
                 understand: Callable[[str, str], Match | None] | None = None,
                 endpoint: EndpointSettings | None = None) -> None:
        """``understand``: recogniser text + context -> decision; the matcher unless a baseline says.
        ``endpoint``: end-of-speech settings (a baseline may keep an earlier design's)."""
        self.endpoint = endpoint
        self.recognizer = recognizer
        self.catalogue = catalogue
        self.name = name or f"rituals ({recognizer.name})"
        self.understand = understand or (lambda text, context: recognize(text, catalogue, context))  # type: ignore[arg-type]

    def heard(self, audio: np.ndarray, context: str) -> Iterator[tuple[Utterance, float]]:
        """Each utterance heard in ``audio``, with when (``perf_counter``) the chunk that ended it
        arrived: latency is counted from there."""
        listener = Listener(self.recognizer, Endpointer(self.endpoint))
        listener.set_context(context)  # type: ignore[arg-type]
        padded = np.concatenate([audio, np.zeros(RATE, dtype=np.int16)])  # the room goes quiet after
        for i in range(0, len(padded), FRAME):
            began = time.perf_counter()
            for _, item in listener.feed(padded[i:i + FRAME], (i + FRAME) / RATE):
                if isinstance(item, Utterance):
                    yield item, began

    def decide(self, audio: np.ndarray, context: str) -> tuple[Match | None, float]:
        latency = 0.0
        for utterance, began in self.heard(audio, context):
            match = self.understand(utterance.text, context) if utterance.text else None
            latency = (time.perf_counter() - began) * 1000
            if match is not None:
                return match, latency
        return None, latency


def load_manifest(path: Path, report: Callable[[str], None]) -> tuple[list[Item], int]:
    """Items of a JSONL manifest; a bad line is reported (one line naming it) and counted."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise AudioError(f"Cannot read the manifest {path} ({exc.__class__.__name__}).") from exc
    items, bad = [], 0
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict) or not isinstance(entry.get("audio"), str):
                raise ValueError("needs an \"audio\" path")
            context = entry.get("context", "idle")
            if context not in CONTEXTS:
                raise ValueError(f"context must be idle or turn, not {context!r}")
            if "expect" not in entry:
                raise ValueError("needs \"expect\" (an intent, or null)")
            expect = entry["expect"]
            if expect is not None and (not isinstance(expect, dict) or "intent" not in expect):
                raise ValueError("\"expect\" must be {\"intent\": ...} or null")
            label = None if expect is None else (expect["intent"], expect.get("ritual"))
            items.append(Item((path.parent / entry["audio"]).resolve(), context, label, number))
        except (json.JSONDecodeError, ValueError) as exc:
            bad += 1
            report(f"{path}:{number}: {exc}; skipped.")
    return items, bad


def _percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1) if values else 0.0


def evaluate(items: list[Item], pipeline: Pipeline, report: Callable[[str], None],
             group: Callable[[Item], str] | None = None) -> dict[str, Any]:
    """Scores of ``pipeline`` on ``items``; ``group`` splits them (e.g. by noise condition)."""
    outcomes: list[tuple[Item, Expect, float, float, float]] = []
    unreadable = 0
    for item in items:
        try:
            audio = read_wav(item.audio)
        except AudioError as exc:
            unreadable += 1
            report(f"line {item.line}: {exc} Skipped.")
            continue
        began = time.perf_counter()
        match, latency = pipeline.decide(audio, item.context)
        compute = time.perf_counter() - began
        got = None if match is None else (match.intent, match.slots.get("ritual"))
        outcomes.append((item, got, latency, compute, len(audio) / RATE))
    result = _scores(outcomes)
    result.update({"engine": pipeline.name, "unreadable": unreadable})
    if group is not None:
        groups: dict[str, list] = defaultdict(list)
        for outcome in outcomes:
            groups[group(outcome[0])].append(outcome)
        result["groups"] = {name: _scores(rows) for name, rows in sorted(groups.items())}
    return result


def _scores(outcomes: list) -> dict[str, Any]:
    expected = [(i, g) for i, g, *_ in outcomes if i.expect is not None]
    nulls = [(i, g) for i, g, *_ in outcomes if i.expect is None]
    correct = sum(1 for i, g in expected if g == i.expect)
    rejected = sum(1 for _, g in expected if g is None)
    confusions: dict[str, Counter[str]] = defaultdict(Counter)
    for i, g in expected:
        if g != i.expect:
            confusions[i.expect[0]][g[0] if g else "(nothing)"] += 1
    latencies = [lat for _, g, lat, *_ in outcomes if lat > 0]
    audio = sum(a for *_, a in outcomes)
    return {
        "n": len(outcomes),
        "accuracy": round(correct / len(expected), 4) if expected else None,
        "false_accept_rate": round(sum(1 for _, g in nulls if g is not None) / len(nulls), 4) if nulls else None,
        "reject_rate": round(rejected / len(expected), 4) if expected else None,
        "confusions": {k: dict(v) for k, v in confusions.items()},
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
        "rtf": round(sum(c for *_, c, _ in outcomes) / audio, 4) if audio else None,
    }


def print_table(results: list[dict[str, Any]], stream=sys.stdout) -> None:
    print(f"{'engine':<28} {'n':>5} {'accuracy':>9} {'false acc.':>10} {'rejected':>9} {'p50 ms':>7} "
          f"{'p95 ms':>7} {'RTF':>7}", file=stream)
    for r in results:
        fmt = lambda v: "-" if v is None else f"{v:.1%}"  # noqa: E731
        print(f"{r['engine']:<28} {r['n']:>5} {fmt(r['accuracy']):>9} {fmt(r['false_accept_rate']):>10} "
              f"{fmt(r['reject_rate']):>9} {r['latency_ms']['p50']:>7} {r['latency_ms']['p95']:>7} "
              f"{r['rtf'] if r['rtf'] is not None else '-':>7}", file=stream)
