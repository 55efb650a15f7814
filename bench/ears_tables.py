"""Rows of the listening benchmark, decided from the cached features (``bench/ears.py``).

Every pipeline is a decision function over one clip's utterances in one context; the fused row calls
the product's own rule (``voice.speech.fusion.decide``), so what is tuned and reported is what runs.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from voice.library.intents import load_catalogue
from voice.library.rituals import load_library
from voice.audio.endpoint import EndpointSettings
from voice.core.matcher import Match, recognize
from voice.speech.ctc_engine import CtcSettings
from voice.speech.ctc_graph import GARBAGE
from voice.speech.fusion import ASKED, FusionSettings, decide, supporter
from voice.speech.recognizer import Hypothesis
from voice.speech.verify import Verifier, verifier

#: The engines start in the trailing silence (``SpeechPaused``): this much of their work is done
#: before the end of speech is declared (``trailing_silence - tail_kept``).
HEAD_START_MS = (EndpointSettings().trailing_silence - EndpointSettings().tail_kept) * 1000
CONDITIONS = ["clean", "pink20", "babble10", "reverb", "pink5", "babble5"]
Decision = tuple[tuple[str, str | None] | None, float, float, bool]
"""(intent, ritual) or None; compute ms of the engines; ms left after the end of speech was declared;
whether a second opinion ran."""


def _after(ms: float) -> float:
    return max(0.0, ms - HEAD_START_MS)


@functools.lru_cache(maxsize=1)
def catalogue():  # noqa: ANN201
    return load_catalogue(load_library().spoken_names())


@functools.lru_cache(maxsize=200_000)
def read(text: str, context: str) -> Match | None:
    """The matcher, remembered: the tuner asks it the same texts thousands of times."""
    return recognize(text, catalogue(), context) if text else None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def support():  # noqa: ANN201
    """The product's ``Support``, remembered per (transcript, match, context)."""
    inner = supporter(catalogue())
    by_key = functools.lru_cache(maxsize=200_000)(
        lambda text, intent, slots, context: inner(text, Match(intent, dict(slots)), context))
    return lambda text, match, context: by_key(text, match.intent, tuple(sorted(match.slots.items())), context)


Reader = Callable[[str, str], Match | None]
"""Text + context -> what the matcher makes of it (``read``, or the earlier design's)."""
Strength = Callable[[dict, str], "float | None"]
"""How sure the scorer is of one cached utterance, in the unit the rule's lines are drawn in."""


def _got(match: Match | None) -> tuple[str, str | None] | None:
    return None if match is None else (match.intent, match.slots.get("ritual"))


def understand(text: str, context: str) -> tuple[str, str | None] | None:
    return _got(read(text, context))


def verified(u: dict, context: str, verifiers: dict[str, Verifier] | None = None) -> float | None:
    """The scorer's ``verified`` for one cached utterance, by today's verifier (or ``verifiers``, the
    tuner's candidates): applied here, so that fitting it needs no new search."""
    if u.get("verify_inputs") is None:
        return None
    return verifier(context, verifiers).probability(tuple(u["verify_inputs"]))


def by_verifier(verifiers: dict[str, Verifier] | None = None) -> Strength:
    return lambda u, context: verified(u, context, verifiers)


def ctc_alone(settings: CtcSettings, verifiers: dict[str, Verifier] | None = None, *,
              strength: Strength | None = None, reader: Reader = read) -> Callable[[dict, str], Decision]:
    """The scorer alone: its phrase where ``strength`` (default: the verifier) reaches the floor."""
    sure = strength or by_verifier(verifiers)

    def run(feat: dict, context: str) -> Decision:
        floor = settings.idle_floor if context == "idle" else settings.turn_floor
        ms = 0.0
        for u in feat["utterances"]:
            ms = u["ctc_ms"]
            phrase = u["forced"] or ""  # the scorer's phrase before its own floor: the floor is tuned here
            p = sure(u, context)
            if p is not None and p >= floor and phrase and GARBAGE not in phrase:
                got = _got(reader(phrase, context))
                if got:
                    return got, ms, _after(ms), False
        return None, ms, _after(ms), False
    return run


def whisper_stage(reader: Reader = read) -> Callable[[dict, str], Decision]:
    """Whisper alone: its transcript through ``reader``."""
    def run(feat: dict, context: str) -> Decision:
        ms = 0.0
        for u in feat["utterances"]:
            ms = u["whisper_ms"]
            got = _got(reader(u["whisper_text"], context))
            if got:
                return got, ms, _after(ms), True
        return None, ms, _after(ms), True
    return run


whisper_alone = whisper_stage()


def fused(settings: FusionSettings, verifiers: dict[str, Verifier] | None = None, *,
          strength: Strength | None = None, reader: Reader = read) -> Callable[[dict, str], Decision]:
    """The product's rule (``decide``) over the cached utterances; ``strength`` goes where the rule
    reads the scorer's ``verified`` (default: the verifier itself)."""
    sure = strength or by_verifier(verifiers)

    def run(feat: dict, context: str) -> Decision:
        ms, asked_any = 0.0, False
        for u in feat["utterances"]:
            scored = Hypothesis(u["ctc_text"], detail={"verified": sure(u, context), "forced": u["forced"] or "",
                                                       "heard_phones": u.get("heard_phones", 0),
                                                       "path_phones": u.get("path_phones", 0)})
            match, path = decide(context, scored, lambda u=u: Hypothesis(u["whisper_text"]), reader,
                                 settings.of(context), support())
            asked = path in ASKED
            asked_any |= asked
            ms = u["ctc_ms"] + (u["whisper_ms"] if asked else 0.0)
            if match is not None:
                return _got(match), ms, _after(ms), asked_any
        return None, ms, _after(ms), asked_any
    return run


def sphinx_stage(feat: dict, context: str) -> Decision:
    got = feat.get("sphinx")
    ms = feat.get("sphinx_ms", 0.0)  # decoded while the person spoke: measured after the end already
    return (tuple(got) if got else None), ms, ms, False  # type: ignore[return-value]


def load_features(path: Path) -> dict[str, dict]:
    return {f["audio"]: f for f in (json.loads(line) for line in path.read_text().splitlines() if line.strip())}


def score(rows: list[dict], feats: dict[str, dict], pipeline: Callable[[dict, str], Decision]) -> dict:
    """Accuracy per condition (commands), false accepts per context (everything else), latency."""
    acc: dict[str, list[bool]] = defaultdict(list)
    fa: dict[str, list[bool]] = defaultdict(list)
    latency, after, asked = [], [], []
    for row in rows:
        feat = feats.get(row["audio"], {}).get("contexts", {}).get(row["context"])
        if feat is None:
            continue
        got, ms, left, second = pipeline(feat, row["context"])
        latency.append(ms)
        after.append(left)
        asked.append(second)
        if row["expect"] is not None:
            ok = got == (row["expect"]["intent"], row["expect"].get("ritual"))
            acc[row["condition"]].append(ok)
            acc["phrasing:" + (row.get("phrasing") or "template")].append(ok)
        else:
            fa[row["context"]].append(got is not None)
            fa[f"{row['context']}:{row['kind']}"].append(got is not None)
    mean = lambda v: float(np.mean(v)) if v else None  # noqa: E731
    by_condition = {c: mean(acc[c]) for c in CONDITIONS if acc[c]}
    commands = [ok for c in CONDITIONS for ok in acc[c]]
    others = [x for k, v in fa.items() if ":" not in k for x in v]
    return {"accuracy": {k: mean(v) for k, v in acc.items()}, "n": {k: len(v) for k, v in acc.items()},
            "overall_accuracy": mean(commands), "overall_false_accepts": mean(others),
            "mean_accuracy": mean(list(by_condition.values())),
            "false_accepts": {k: mean(v) for k, v in fa.items()}, "fa_n": {k: len(v) for k, v in fa.items()},
            "fa_count": {k: int(sum(v)) for k, v in fa.items()},
            "latency_p50": float(np.percentile(latency, 50)) if latency else 0.0,
            "latency_p95": float(np.percentile(latency, 95)) if latency else 0.0,
            "after_p50": float(np.percentile(after, 50)) if after else 0.0,
            "after_p95": float(np.percentile(after, 95)) if after else 0.0,
            "second_share": mean(asked)}


def pipelines() -> dict[str, Callable[[dict, str], Decision]]:
    return {"pocketsphinx stage, today's detection": sphinx_stage, "ctc alone": ctc_alone(CtcSettings()),
            "whisper alone": whisper_alone, "fused (ctc + whisper)": fused(FusionSettings())}


def pct(v: float | None) -> str:
    return "-" if v is None else f"{v:.1%}"


def with_enrolment(feats: dict[str, dict], enrolled: Path, self_enrolled: bool) -> dict[str, dict]:
    """The features with the scorer's part replaced by an enrolled scorer's (``bench/enrolment.py``):
    enrolled on the clip's own voice, or on another voice. Clips it did not score are left out."""
    rows = [json.loads(line) for line in enrolled.read_text().splitlines() if line.strip()]
    voice_of = {r["audio"]: r["voice"] for r in _manifest()}
    out: dict[str, dict] = {}
    for row in rows:
        if (row["enrolled"] == voice_of.get(row["audio"])) != self_enrolled:
            continue
        base = feats[row["audio"]]
        merged = {"contexts": {}}
        for context, scored in row["contexts"].items():
            utterances = [{**u, **s} for u, s in zip(base["contexts"][context]["utterances"], scored)]
            merged["contexts"][context] = {"utterances": utterances}
        out[row["audio"]] = merged
    return out


@functools.lru_cache(maxsize=1)
def _manifest() -> tuple[dict, ...]:
    from ears import load_rows
    return tuple(load_rows())


def enrolment_table(rows: list[dict], feats: dict[str, dict], enrolled: Path) -> str:
    """Not enrolled / enrolled on another voice / enrolled on this voice, on the same clips."""
    variants = {"not enrolled": None, "enrolled on another voice": False, "enrolled on this voice": True}
    sets = {name: feats if flag is None else with_enrolment(feats, enrolled, flag) for name, flag in variants.items()}
    scored = set(sets["enrolled on this voice"])
    rows = [r for r in rows if r["audio"] in scored]
    out = ["| scorer | " + " | ".join(CONDITIONS) + " | mean | own words | false accepts idle | turn |",
           "|---|" + "---|" * (len(CONDITIONS) + 4)]
    for pipeline_name, make in (("ctc alone", lambda: ctc_alone(CtcSettings())), ("fused", lambda: fused(FusionSettings()))):
        for name, f in sets.items():
            r = score(rows, f, make())
            a, fa = r["accuracy"], r["false_accepts"]
            out.append(f"| {pipeline_name}, {name} | " + " | ".join(pct(a.get(c)) for c in CONDITIONS)
                       + f" | {pct(r['mean_accuracy'])} | {pct(a.get('phrasing:own_words'))} | {pct(fa.get('idle'))} "
                       f"| {pct(fa.get('turn'))} |")
    return "\n".join(out)


def report(rows: list[dict], features: Path, split: str) -> str:
    feats = load_features(features)
    # The librivox recordings are also the real half of every babble, dev clips included: as test
    # clips of their own they would have been heard in tuning, so they are not scored.
    rows = [r for r in rows if r["split"] == split and not r["voice"].startswith("real:librivox")]
    results = {}
    baseline = features.parent / "baseline.jsonl"
    if split == "test" and baseline.exists():  # bench/baseline.py: the previous stage exactly
        before = load_features(baseline)
        results["before: pocketsphinx stage, earlier detection"] = score(rows, before, sphinx_stage)
    from previous import PIPELINES as PREVIOUS  # the design before today's, on the same clips
    results.update({name: score(rows, feats, p) for name, p in PREVIOUS.items()})
    results.update({name: score(rows, feats, p) for name, p in pipelines().items()
                    if not name.startswith("pocketsphinx") or split == "test"})
    out = [f"Split: {split}, {len({r['audio'] for r in rows})} clips, {len(rows)} clip-context rows.", "",
           "| pipeline | " + " | ".join(CONDITIONS) + " | mean | template | own words |",
           "|---|" + "---|" * (len(CONDITIONS) + 3)]
    for name, r in results.items():
        a = r["accuracy"]
        out.append(f"| {name} | " + " | ".join(pct(a.get(c)) for c in CONDITIONS)
                   + f" | {pct(r['mean_accuracy'])} | {pct(a.get('phrasing:template'))} | {pct(a.get('phrasing:own_words'))} |")
    kinds = sorted({k for r in results.values() for k in r["false_accepts"] if ":" in k})
    out += ["", "| pipeline | " + " | ".join(["idle", "turn", *kinds])
            + " | compute p50 / p95 ms | after end of speech p50 / p95 ms | second opinion |",
            "|---|" + "---|" * (len(kinds) + 5)]
    for name, r in results.items():
        f, c, n = r["false_accepts"], r["fa_count"], r["fa_n"]
        cells = [f"{pct(f.get(k))} ({c.get(k, 0)}/{n.get(k, 0)})" for k in ["idle", "turn", *kinds]]
        out.append(f"| {name} | " + " | ".join(cells) + f" | {r['latency_p50']:.0f} / {r['latency_p95']:.0f} | "
                   f"{r['after_p50']:.0f} / {r['after_p95']:.0f} | {pct(r['second_share'])} |")
    (features.parent / f"results-{split}.json").write_text(json.dumps(results, indent=2))
    return "\n".join(out)
