"""Looking back from the command line: history, show, stats, away, export, import, report, forget.

The commands that only read (``reads_only``) work in a read-only data directory; the others say
in one line that it is read-only (``voice.journal.files.require_writable``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from voice.library.rituals import SystemPrompts
from voice.cli.app import App
from voice.errors import RitualsError
from voice.review import exchange
from voice.review.account import account
from voice.review.report import render_report
from voice.review.invited import invitations_line
from voice.core.speech_text import spoken_unit
from voice.review.stats import RitualStats, days_ago, headline, local_today, plural, ritual_stats, streak_text


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RitualsError(f"'{text}' is not a date: use YYYY-MM-DD, e.g. 2026-11-01.") from None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()


def cmd_history(app: App, args: argparse.Namespace) -> int:
    ritual = app.library.find(args.ritual).id if args.ritual else None
    since = _start_of(parse_date(args.since)) if args.since else None
    sessions = app.journal.sessions(ritual, since)
    if args.json:
        print(json.dumps([s.to_json() for s in sessions], indent=2))
        return 0
    if not sessions:
        print("No sessions yet. Start one with 'rituals listen', 'rituals chat' or 'rituals run RITUAL --text'.")
        return 0
    for s in sessions:
        minutes = "" if s.duration is None else f"{s.duration / 60:5.1f} min"
        local = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"{s.id:>4}  {local}  {s.ritual_id:<28} {minutes:>9}  {s.status:<11} first: {s.first_name}")
    return 0


def cmd_show(app: App, args: argparse.Namespace) -> int:
    session = app.journal.session(args.session)
    if session is None:
        raise RitualsError(f"No session {args.session}: 'rituals history' lists them.")
    events = app.journal.events(session.id)
    if args.json:
        print(json.dumps(session.to_json() | {"events": [exchange.event_json(e) for e in events]}, indent=2,
                         ensure_ascii=False))
        return 0
    ritual = app.library.rituals.get(session.ritual_id)   # a ritual file removed since: its id will do
    print("\n".join(account(session, events, ritual.name if ritual else session.ritual_id, app.names)))
    return 0


def cmd_stats(app: App, args: argparse.Namespace) -> int:
    stats = ritual_stats(app.journal, app.library, local_today())
    if args.json:
        print(json.dumps([s.to_json() for s in stats], indent=2))
        return 0
    lines = stats_lines(stats, app.library.system)
    invited = invitations_line(app.journal, local_today())
    print("\n".join(lines + ([invited] if invited else [])) or "No sessions yet.")
    return 0


def stats_lines(stats: list[RitualStats], system: SystemPrompts) -> list[str]:
    """The stats as text: what the couple did lately first, the streak kindly, gaps by the calendar."""
    lines = []
    for s in stats:
        if s.last_done is None or s.days_since_last is None:
            if s.completion_rate is not None:
                lines.append(f"{s.name}: not done to the end yet; whenever you're ready")
            continue
        count, counts_what = headline(s)
        parts = [f"{count} {counts_what}", plural(s.last_30_days, "session") + " in the last 30 days",
                 streak_text(s), f"last done {days_ago(system, s.days_since_last)}"]
        rate = "" if s.completion_rate is None else f", {s.completion_rate:.0%} completed"
        avg = "" if s.average_minutes is None else f", {s.average_minutes:g} min on average"
        lines.append(f"{s.name}: " + "; ".join(p for p in parts if p) + avg + rate)
        if s.streak.missed:
            unit = spoken_unit(system, "day", s.days_since_last)
            lines.append("   " + system.get("missed_gently", count=s.days_since_last, unit=unit))
    return lines


def cmd_away(app: App, args: argparse.Namespace) -> int:
    first, last = parse_date(args.from_), parse_date(args.to or args.from_)
    if last < first:
        raise RitualsError("--to is before --from: give the first day apart, then the last.")
    if (last - first).days > 366:
        raise RitualsError("That is more than a year apart: mark it in shorter stretches.")
    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    app.journal.mark_away(days, datetime.now(timezone.utc))
    print(f"Marked {len(days)} day(s) apart; they never break a streak.")
    return 0


def cmd_export(app: App, args: argparse.Namespace) -> int:
    data = exchange.collect(app.journal)
    text = exchange.to_json(data) if args.format == "json" else exchange.to_csv(data)
    if args.out:
        exchange.write_private(args.out, text)
        print(f"Exported {len(data['sessions'])} sessions to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(app: App, args: argparse.Namespace) -> int:
    added, skipped = exchange.import_file(app.journal, args.file, app.library.rituals)
    print(f"Imported {added} session(s); {skipped} were already here.")
    return 0


def cmd_report(app: App, args: argparse.Namespace) -> int:
    exchange.write_private(args.out, render_report(app.journal, app.library, app.names, local_today()))
    print(f"Wrote {args.out}. Open it in a browser.")
    return 0


def cmd_forget(app: App, args: argparse.Namespace) -> int:
    journal = app.journal
    if args.session is not None:
        if journal.session(args.session) is None:
            raise RitualsError(f"No session {args.session}: 'rituals history' lists them.")
        ids, what = [args.session], f"session {args.session}"
    elif args.before:
        before = _start_of(parse_date(args.before))
        ids = [s.id for s in journal.sessions() if s.started_at < before]
        what = f"{len(ids)} session(s) before {args.before}"
    elif args.all:
        ids, what = [s.id for s in journal.sessions()], "every session"
    else:
        raise RitualsError("Say what to forget: --session ID, --before DATE or --all.")
    if not ids:
        print("Nothing to forget.")
        return 0
    if not args.yes:
        print(f"This deletes {what} for good. Type 'forget' to confirm: ", end="", flush=True)
        if sys.stdin.readline().strip().lower() != "forget":
            print("Kept everything.")
            return 1
    print(f"Forgot {journal.forget(ids)} session(s).")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("history", help="past sessions")
    p.add_argument("--ritual", help="only this ritual (id or name)")
    p.add_argument("--since", help="only from this date on (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history, reads_only=True)
    p = sub.add_parser("show", help="one session in plain words: steps, turns, timers, how it ended")
    p.add_argument("session", type=int)
    p.add_argument("--json", action="store_true", help="the session and its raw events, for programs")
    p.set_defaults(func=cmd_show, reads_only=True)
    p = sub.add_parser("stats", help="per ritual: counts, streaks, durations")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats, reads_only=True)
    p = sub.add_parser("away", help="mark days apart (they never break a streak)")
    p.add_argument("--from", dest="from_", required=True, metavar="DATE")
    p.add_argument("--to", metavar="DATE")
    p.set_defaults(func=cmd_away)
    p = sub.add_parser("export", help="everything, as JSON or CSV (re-importable)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--out", type=Path)
    p.set_defaults(func=cmd_export, reads_only=True)
    p = sub.add_parser("import", help="add sessions from an export")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("report", help="a page to look at: calendar, weeks, streaks")
    p.add_argument("--out", type=Path, default=Path("report.html"))
    p.set_defaults(func=cmd_report, reads_only=True)
    p = sub.add_parser("forget", help="delete sessions for good")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--session", type=int)
    group.add_argument("--before", metavar="DATE")
    group.add_argument("--all", action="store_true")
    p.add_argument("--yes", action="store_true", help="do not ask to confirm")
    p.set_defaults(func=cmd_forget)
