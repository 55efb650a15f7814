"""The voice commands of the CLI: ``listen`` (microphone or WAV file) and ``models``.

Every command's parser is built on each run, so the audio, numpy and speech-engine modules are
imported inside the commands that use them: a typed ``rituals understand`` must not pay for them.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from voice.cli.app import App
from voice.cli.render import JsonReport, add_render_arguments, room_settings, start_wall
from voice.errors import AudioError, OptionError
from voice.journal.files import require_writable
from voice.device.runner import Trace
from voice.cli.wiring import Listening, make_voice, trace
from voice.speech.engines import CHOICES, make_recognizer

if TYPE_CHECKING:
    from voice.audio.room_settings import RoomSettings
    from voice.device.render import RenderRoom
    from voice.speech.tts import Voice
    from voice.home.wallclock import WallClock


def is_same_file(a: Path, b: Path) -> bool:
    """``a`` and ``b`` name one file: the same path once symlinks are resolved, or a hard link."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): they cannot be one file
        return False


def render(app: App, input_path: Path, output_path: Path, engine: str, model: Path | None,
           voice: Voice | None = None, echo_room: RoomSettings | None = None,
           show: Trace | None = None, wall: WallClock | None = None,
           listening: Listening = Listening()) -> RenderRoom:
    """Run the real loop over ``input_path``; write what the device said and played to ``output_path``.
    ``echo_room``: the microphone also hears the device in such a room; ``show``: the trace (printed);
    ``wall``: the moment the recording starts at (default now); ``listening``: as shipped, or a
    benchmark's baseline."""
    if is_same_file(input_path, output_path):
        raise AudioError(f"--output {output_path} is the input recording itself and would overwrite it: "
                         "give another file, e.g. --output out.wav.")
    from voice.audio import RATE
    from voice.audio.convert import write_wav
    from voice.audio.room import RoomMicrophone
    from voice.audio.sources import WavSource
    from voice.device.render import RenderRoom
    from voice.device.virtual import VirtualClock
    source = WavSource(input_path)
    if not output_path.parent.is_dir():
        raise AudioError(f"Cannot write {output_path}: the folder does not exist.")
    recognizer, note = make_recognizer(engine, app.catalogue, model, app.config_model, app.data_dir, app.language)
    print(note, file=sys.stderr)
    app.journal.recover_interrupted()
    clock = VirtualClock(0.0)
    microphone = RoomMicrophone(echo_room) if echo_room is not None else None
    listener = listening.listener(recognizer, app.language.numbers)
    room = RenderRoom(source.chunks(), listener, voice or make_voice(app), clock, room=microphone)
    try:
        app.runner(room, room, clock, show or trace(sys.stdout), wall).run()
    finally:
        if microphone is not None:
            microphone.close()  # the canceller's C state, now rather than whenever it is collected
    write_wav(output_path, room.output(len(source.audio) / RATE))
    return room


def cmd_listen(app: App, args: argparse.Namespace) -> int:
    settings = room_settings(args)
    wall = start_wall(args)  # a bad time is one line before anything is loaded
    require_writable(app.data_dir)  # before loading an engine or opening a microphone for nothing
    if args.input is None:
        from voice.cli.live import run_live
        return run_live(app, args.engine, args.model, args.device, listening=listening(args),
                        warm_up=not args.no_warm_up)
    if args.no_warm_up:
        if settings is None:
            raise OptionError("--no-warm-up starts the echo canceller cold: with --input it needs --room "
                              "(without a room the device does not hear itself).")
        settings = dataclasses.replace(settings, warm_up=False)
    if args.output is None:
        raise AudioError("--input needs --output OUT.wav (where the device's side is written).")
    report = JsonReport(app.journal) if args.json else None
    room = render(app, args.input, args.output, args.engine, args.model, echo_room=settings,
                  show=report.happened if report else None, wall=wall, listening=listening(args))
    if report is not None:
        report.print(room, settings)
    print(f"Wrote {args.output}.", file=sys.stderr if report else sys.stdout)  # --json: stdout is the JSON
    return 0


def listening(args: argparse.Namespace) -> Listening:
    """The listener the options ask for: as shipped, or a benchmark's baseline."""
    return Listening(early_stop=not args.no_early_stop, double_talk=not args.no_double_talk,
                     floor_limit=args.floor_limit)


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("listen", help="the voice skill: microphone, or --input FILE.wav --output OUT.wav")
    p.add_argument("--input", type=Path, help="a recording (WAV, FLAC, OGG) instead of the microphone")
    p.add_argument("--output", type=Path, help="where to write what the device said (with --input)")
    p.add_argument("--engine", choices=CHOICES, default=None)
    p.add_argument("--model", type=Path, help="a Vosk model folder")
    p.add_argument("--device", help="microphone/speaker name or index (default: the system's)")
    p.add_argument("--no-early-stop", action="store_true",
                   help="decide 'stop' at the end of speech like every command, not at its first pause "
                        "(the benchmark's baseline)")
    p.add_argument("--no-warm-up", action="store_true",
                   help="no soft breath of noise when the microphone opens: the echo canceller starts "
                        "cold, without having learnt the room (the benchmark's baseline; with --input, "
                        "the simulated room's canceller)")
    p.add_argument("--no-double-talk", action="store_true",
                   help="while the device plays, take what the echo canceller leaves for speech however much "
                        "it took off (the benchmark's baseline)")
    p.add_argument("--floor-limit", action="store_true",
                   help="keep the endpointer's noise floor above digital silence, where a word's inaudible "
                        "decay counts as speech (faster stops over silence; experimental, off by default)")
    add_render_arguments(p)
    p.set_defaults(func=lambda app, args: cmd_listen(app, _engine(app, args)))


def _engine(app: App, args: argparse.Namespace) -> argparse.Namespace:
    args.engine = args.engine or app.config.engine
    return args


def cmd_demo(app: App, args: argparse.Namespace) -> int:
    import numpy as np

    from voice.audio.convert import write_wav
    from voice.cli.demo import DemoCouple, MixedInput
    from voice.device.render import RenderRoom
    from voice.device.virtual import VirtualClock

    require_writable(app.data_dir)
    demo_app = App(app.config_path, app.data_dir / "demo", app.prompts_dir,
                   language_override=app.language_override)
    stream = MixedInput()
    couple = DemoCouple(stream)
    journal = demo_app.journal
    clock = VirtualClock(0.0)
    recognizer, note = make_recognizer(demo_app.config.engine, demo_app.catalogue, None, demo_app.config_model,
                                       demo_app.data_dir, demo_app.language)
    print(note, file=sys.stderr)
    listener = Listening().listener(recognizer, demo_app.language.numbers)
    room = RenderRoom(iter(stream), listener, make_voice(demo_app), clock,
                      limit_seconds=1800, on_action=couple)
    print("An evening, synthesised: two partners ask for the bedtime check-in and answer it.")
    demo_app.runner(room, room, clock, trace(sys.stdout)).run()
    device = room.output()
    room_sound = np.clip(device.astype(np.int32) + stream.mixed(0, len(device)), -32768, 32767).astype(np.int16)
    write_wav(args.out, room_sound)
    last = journal.sessions()[-1] if journal.sessions() else None
    if last is None:
        print("The device never heard the request: nothing was journaled.")
        return 1
    print(f"Session {last.id}: {last.ritual_id}, {last.status}, {last.duration or 0:.0f} s. "
          f"Wrote {args.out} (the partners and the device, as the room would hear them).")
    return 0 if last.status == "completed" else 1


def add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="an evening with no microphone: synthesised partners, real everything else")
    p.add_argument("--out", type=Path, default=Path("demo.wav"))
    p.set_defaults(func=cmd_demo)


def cmd_eval(app: App, args: argparse.Namespace) -> int:
    import json as _json

    from voice.device.evaluate import ListeningPipeline, evaluate, load_manifest, print_table
    from voice.speech.engines import make_recognizer

    def report(line: str) -> None:
        print(f"rituals: {line}", file=sys.stderr)

    items, bad = load_manifest(args.manifest, report)
    results = []
    for engine in args.engine or [app.config.engine]:
        recognizer, note = make_recognizer(engine, app.catalogue, args.model, app.config_model, app.data_dir,
                                           app.language)
        print(note, file=sys.stderr)
        result = evaluate(items, ListeningPipeline(recognizer, app.catalogue), report)
        result["bad_lines"] = bad
        results.append(result)
    if args.json:
        print(_json.dumps(results[0] if len(results) == 1 else results, indent=2))
    else:
        print_table(results)
        for r in results:
            if r["confusions"]:
                print(f"{r['engine']} confusions: " + "; ".join(
                    f"{k} -> {', '.join(f'{g} x{n}' for g, n in v.items())}" for k, v in r["confusions"].items()))
    return 0


def add_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score the listening path on a labelled corpus (JSONL manifest)")
    p.add_argument("manifest", type=Path)
    p.add_argument("--engine", action="append", choices=CHOICES)
    p.add_argument("--model", type=Path)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval)


def cmd_calibrate(app: App, args: argparse.Namespace) -> int:
    import time as _time

    from voice.audio import RATE
    from voice.audio.endpoint import Endpointer, SpeechEnded, SpeechStarted
    from voice.audio.player import Player
    from voice.audio.sources import MicrophoneSource
    from voice.cli.calibrate import calibrate, load_probes
    from voice.device.live import check_devices
    from voice.speech.engines import make_recognizer

    if app.language.calibration is None:  # asking for English phrases in Korean would teach it nothing
        raise OptionError(f"rituals calibrate has no {app.language.name} phrases yet (its pack, "
                          f"{app.language.path.name}, names no 'calibration' file): the skill works without it.")
    require_writable(app.data_dir)  # the recordings go there: say so before anyone speaks
    check_devices()
    recognizer, note = make_recognizer(args.engine or app.config.engine, app.catalogue, args.model,
                                       app.config_model, app.data_dir, app.language)
    print(note, file=sys.stderr)
    voice = make_voice(app)
    finished: list[int] = []
    player = Player(lambda item, now: finished.append(item), lambda item, now: None, _time.monotonic)
    said = [0]

    def speak(text: str) -> None:
        print(f"device: {text}")
        said[0] += 1
        player.play(said[0], voice.render(text))
        while said[0] not in finished:
            _time.sleep(0.02)

    def record(context: str):
        import numpy as np
        endpointer, kept, t = Endpointer(), [], 0.0
        for chunk in MicrophoneSource().chunks():
            t += len(chunk) / RATE
            events = endpointer.feed(chunk, t)
            if kept or any(isinstance(e, SpeechStarted) for e in events):
                kept.append(chunk)
            if any(isinstance(e, SpeechEnded) for e in events) or t > 8.0:
                return np.concatenate(kept) if kept else np.zeros(1600, dtype=np.int16)
        return np.zeros(1600, dtype=np.int16)

    try:
        results = calibrate(app.names, app.library.system, app.catalogue, recognizer, speak, record,
                            app.data_dir / "calibration", load_probes(app.language.calibration))
    finally:
        player.close()
    misheard = [r for r in results if not r.ok]
    for r in results:
        print(f"  {'ok  ' if r.ok else 'MISS'} {r.partner}: \"{r.probe.say}\" -> {r.understood or 'nothing'}")
    print(f"{len(results) - len(misheard)} of {len(results)} understood. Recordings and a manifest for "
          f"'rituals eval' are in {app.data_dir / 'calibration'}.")
    return 0


def add_calibrate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="each partner says each command once; see what is misheard")
    p.add_argument("--engine", choices=CHOICES)
    p.add_argument("--model", type=Path)
    p.set_defaults(func=cmd_calibrate)
