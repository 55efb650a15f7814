"""``rituals invitations add | list | remove``: gentle reminders, spoken by the device at their time.

Days apart (``rituals away``, or "we're apart today") have none; nor do quiet hours (config
``[invitations] quiet_hours``).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone

from voice.cli.app import App
from voice.errors import OptionError
from voice.home.invitation_store import InvitationStore
from voice.home.invitations import WEEKDAYS, in_quiet_hours, parse_clock


def _weekday(text: str) -> int | None:
    wanted = text.strip().lower()
    if wanted in ("daily", "every day", "day"):
        return None
    found = [i for i, day in enumerate(WEEKDAYS) if day.startswith(wanted[:3])] if len(wanted) >= 3 else []
    if len(found) != 1:
        raise OptionError(f"--on {text}: give a day of the week (e.g. --on sunday) or --on daily.")
    return found[0]


def cmd_add(app: App, args: argparse.Namespace) -> int:
    ritual = app.library.find(args.ritual)
    try:
        at = parse_clock(args.at)
    except ValueError:
        raise OptionError(f"--at {args.at}: give a time of day as HH:MM, e.g. --at 22:00.") from None
    weekday = _weekday(args.on)
    quiet = app.config.invitations.quiet
    if in_quiet_hours(at, quiet):
        assert quiet is not None
        raise OptionError(f"{args.at} is in the quiet hours ({quiet[0]:%H:%M}-{quiet[1]:%H:%M}), when the device "
                          "never invites: choose another time, or change invitations.quiet_hours in the config.")
    invitation = InvitationStore(app.journal).add(ritual.id, at, weekday, datetime.now(timezone.utc))
    print(f"Invitation {invitation.id}: the {ritual.name}, {invitation.when()} at {at:%H:%M} "
          f"(the device offers it once, softly; 'rituals invitations remove {invitation.id}' takes it away).")
    return 0


def cmd_list(app: App, args: argparse.Namespace) -> int:
    invitations = InvitationStore(app.journal).active()
    if args.json:
        print(json.dumps([{"id": i.id, "ritual": i.ritual_id, "at": i.at.strftime("%H:%M"),
                           "weekday": None if i.weekday is None else WEEKDAYS[i.weekday]} for i in invitations],
                         indent=2))
        return 0
    if not invitations:
        print("No invitations. Add one with: rituals invitations add 'check in' --at 22:00")
    for i in invitations:
        ritual = app.library.rituals.get(i.ritual_id)
        name = ritual.name if ritual else f"{i.ritual_id} (no such ritual any more: never offered)"
        print(f"{i.id:>3}  {i.at:%H:%M}  {i.when():<15}  {name}")
    return 0


def cmd_remove(app: App, args: argparse.Namespace) -> int:
    if not args.ids and not args.all:
        raise OptionError("Say which: rituals invitations remove ID (see 'rituals invitations list'), or --all.")
    store = InvitationStore(app.journal)
    missing = sorted(set(args.ids) - {i.id for i in store.active()})
    if missing:  # checked first, so a typo in one id removes none of the others
        raise OptionError(f"No invitation {', '.join(map(str, missing))}: see 'rituals invitations list'.")
    removed = store.remove(None if args.all else args.ids, datetime.now(timezone.utc))
    print(f"Removed {removed} invitation(s); the answers they had stay in the stats.")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("invitations", help="gentle spoken reminders of a ritual, daily or weekly")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = actions.add_parser("add", help="e.g. add 'check in' --at 22:00, or add 'weekly check in' --at 20:00 --on sunday")
    q.add_argument("ritual")
    q.add_argument("--at", required=True, metavar="HH:MM", help="local time of day")
    q.add_argument("--on", default="daily", metavar="DAY", help="a day of the week, or daily (the default)")
    q.set_defaults(func=cmd_add)
    q = actions.add_parser("list", help="the invitations")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list, reads_only=True)
    q = actions.add_parser("remove", help="remove invitations by id, or --all")
    q.add_argument("ids", type=int, nargs="*", metavar="ID")
    q.add_argument("--all", action="store_true")
    q.set_defaults(func=cmd_remove)
