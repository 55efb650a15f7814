"""``rituals``: the command line. Errors the user can fix are one line on stderr, exit status 2 (3: this
machine has no microphone or speaker)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from voice.cli.app import App
from voice.errors import BUG_STATUS, RitualsError, describe_bug
from voice.library.language import codes
from voice.core.matcher import recognize
from voice.device.textio import LineSource, MonotonicClock, PrintOutput


def _cmd_list(app: App, args: argparse.Namespace) -> int:
    rituals = list(app.library.rituals.values())
    if args.json:
        print(json.dumps([{"id": r.id, "name": r.name, "aliases": list(r.aliases), "description": r.description,
                           "duration_minutes": r.duration_minutes, "cadence": r.cadence} for r in rituals], indent=2))
        return 0
    width = max(len(r.id) for r in rituals)
    for r in rituals:
        print(f"{r.id:<{width}}  {r.duration_minutes:>5g} min  {r.cadence:<6}  {r.description}")
    return 0


def _cmd_understand(app: App, args: argparse.Namespace) -> int:
    match = recognize(args.text, app.catalogue, args.context)
    if args.json:
        found = None if match is None else {"intent": match.intent, "slots": match.slots, "score": match.score,
                                            "phrase": match.phrase}
        print(json.dumps({"text": args.text, "context": args.context, "match": found}))
    elif match is None:
        print("no match")
    else:
        slots = "".join(f" {k}={v}" for k, v in match.slots.items())
        print(f"{match.intent}{slots}  (score {match.score:g}, phrase '{match.phrase}')")
    return 0


def _run_text(app: App, ritual_id: str | None) -> int:
    journal = app.journal
    recovered = journal.recover_interrupted()
    if recovered:
        print(f"(marked {len(recovered)} unfinished session(s) as interrupted)", file=sys.stderr)
    source = LineSource(sys.stdin, echo_to=None if sys.stdin.isatty() else sys.stdout)
    output = PrintOutput(sys.stdout, countdown=sys.stdout.isatty())
    app.runner(source, output, MonotonicClock()).run(ritual_id, until_session_ends=ritual_id is not None)
    return 0


def _cmd_run(app: App, args: argparse.Namespace) -> int:
    ritual = app.library.find(args.ritual)
    if not args.text:
        raise RitualsError("Voice mode needs a microphone: use 'rituals run RITUAL --text' to type instead.")
    return _run_text(app, ritual.id)


def _cmd_chat(app: App, args: argparse.Namespace) -> int:
    return _run_text(app, None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rituals", description="Spoken rituals of connection, offline.")
    parser.add_argument("--data-dir", type=Path, help="where the journal lives (default: RITUALS_DATA_DIR "
                        "or the user data directory)")
    parser.add_argument("--config", type=Path, help="config file (default: RITUALS_CONFIG or the user "
                        "config directory's config.toml)")
    parser.add_argument("--language", metavar="CODE", help=f"the language spoken: {', '.join(codes())} "
                        "(default: the config's language, else en)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="the rituals")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("run", help="run one ritual")
    p.add_argument("ritual", help="ritual id or name, e.g. six_second_kiss or 'check in'")
    p.add_argument("--text", action="store_true", help="type instead of speaking")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("chat", help="talk to the skill by typing (e.g. \"let's check in\")")
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("understand", help="show how a sentence is understood")
    p.add_argument("text")
    p.add_argument("--context", choices=("idle", "turn"), default="idle")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_understand)
    from voice.cli.journal import add_commands as add_journal
    from voice.cli.models import add_commands as add_models
    from voice.cli.review import add_commands as add_review
    add_review(sub)
    add_journal(sub)
    from voice.cli.voice import add_calibrate, add_commands, add_demo, add_eval
    add_commands(sub)
    add_demo(sub)
    add_eval(sub)
    add_calibrate(sub)
    add_models(sub)
    from voice.cli.service import add_commands as add_service
    add_service(sub)
    from voice.cli.invitations import add_commands as add_invitations
    add_invitations(sub)

    p = sub.add_parser("doctor", help="check microphone, speaker, speech engines, models and data")
    p.set_defaults(func=lambda app, args: __import__("voice.cli.doctor", fromlist=["run_doctor"]).run_doctor(app),
                   reads_only=True)
    return parser


def _bug_log_dir(app: App) -> Path:
    try:
        return app.data_dir
    except Exception:  # the config itself is what failed: the log still has to go somewhere
        return Path(tempfile.gettempdir())


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    prompts_dir = os.environ.get("RITUALS_PROMPTS_DIR")
    app = App(args.config, args.data_dir, Path(prompts_dir) if prompts_dir else None,
              reading=getattr(args, "reads_only", False), language_override=args.language)
    try:
        app.config  # a broken config is reported by every command, not only by those that use it
        app.language  # and so is an unknown language
        return int(args.func(app, args))
    except RitualsError as exc:
        for line in str(exc).splitlines():  # one line per problem (an import names each bad record)
            print(f"rituals: {line}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        print("\nrituals: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # "rituals show 1 | head": the reader left; nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback kept for whoever fixes it
        print(f"rituals: {describe_bug(exc, _bug_log_dir(app))}", file=sys.stderr)
        return BUG_STATUS
    finally:
        app.close()
