"""Prints BENCHMARKS.md's tables from bench/out/*.json (what bench/run.py wrote)."""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "bench" / "out"
ORDER = [("result-rituals-before.json", "rituals, before (commit 622f649)"), ("result-rituals.json", "rituals (now)"),
         ("result-naive.json", None), ("result-wyoming.json", None), ("result-free-matcher.json", None)]


def pct(v) -> str:
    return "-" if v is None else f"{v:.1%}"


def main() -> None:
    print("| pipeline | clean | 20 dB | 10 dB | 5 dB | mean clean/20/10 | false accepts | rejected | latency p50 / p95 ms | RTF |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, label in ORDER:
        path = OUT / name
        if not path.exists():
            continue
        r = json.loads(path.read_text())
        g = r["groups"]
        acc = [g[k]["accuracy"] for k in ("clean", "20", "10") if k in g]
        mean = sum(acc) / len(acc) if len(acc) == 3 else None
        cells = [pct(g[k]["accuracy"]) if k in g else "not run" for k in ("clean", "20", "10", "5")]
        print(f"| {label or r['engine']} | {' | '.join(cells)} | {pct(mean)} | {pct(r['false_accept_rate'])} | "
              f"{pct(r['reject_rate'])} | {r['latency_ms']['p50']} / {r['latency_ms']['p95']} | {r['rtf']} |")
    print()
    print("| pipeline | false accepts: clean | 20 dB | 10 dB | 5 dB |")
    print("|---|---|---|---|---|")
    for name, label in ORDER:
        path = OUT / name
        if path.exists():
            r = json.loads(path.read_text())
            print(f"| {label or r['engine']} | " + " | ".join(
                pct(r["groups"][k]["false_accept_rate"]) if k in r["groups"] else "not run"
                for k in ("clean", "20", "10", "5")) + " |")
    results = OUT / "results.json"
    if results.exists():
        print("\n| measure | value |\n|---|---|")
        for key, value in json.loads(results.read_text())["measures"].items():
            print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
