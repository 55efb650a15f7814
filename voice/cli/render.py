"""The render-mode options of ``rituals listen --input IN.wav --output OUT.wav``: a simulated room
(``--room`` and its settings) and what happened as one JSON document (``--json``)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import TYPE_CHECKING, Any

from voice.audio.room_settings import RoomSettings
from voice.errors import OptionError
from voice.device.happened import Happened
from voice.journal.store import Journal
from voice.home.wallclock import START_AT_FORMAT, WallClock, parse_start_at

if TYPE_CHECKING:
    from voice.device.render import RenderRoom

# (option, RoomSettings field, type, lowest, highest, help): the limits keep the room a room (a delay
# far beyond the echo canceller's 200 ms filter, or seconds of reverberation, is no longer one).
# The defaults are RoomSettings' own, explained there.
_ROOM_OPTIONS: tuple[tuple[str, str, type, float, float, str], ...] = (
    ("--room-delay-ms", "delay_ms", float, 0.0, 500.0, "speaker-to-microphone delay, ms"),
    ("--room-gain-db", "gain_db", float, -60.0, 12.0, "echo level against what is played, dB"),
    ("--room-rt60", "rt60", float, 0.05, 2.0, "reverberation time, s"),
    ("--room-noise-db", "noise_db", float, -100.0, -10.0, "steady room noise, dBFS"),
    ("--seed", "seed", int, 0, 2 ** 32 - 1, "seeds the room's response and noise"),
)


def _num(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def add_render_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = RoomSettings()
    group = parser.add_argument_group("render mode (with --input)")
    group.add_argument("--room", action="store_true",
                       help="the microphone also hears the device (echo, reverberation), and the live "
                            "room's echo canceller removes it; any --room-* or --seed option implies it")
    for option, name, kind, low, high, doc in _ROOM_OPTIONS:
        default = getattr(defaults, name)
        group.add_argument(option, type=kind, dest=name, default=None, metavar=kind.__name__.upper(),
                           help=f"{doc} ({_num(low)} to {_num(high)}; default {'none' if default is None else _num(default)})")
    group.add_argument("--json", action="store_true",
                       help="print what happened (heard, done, sessions) as one JSON document instead of the trace")
    group.add_argument("--start-at", metavar=f'"{START_AT_FORMAT}"',
                       help="the wall-clock time the recording starts at (local time; default now): sessions, "
                            "days, quiet hours and invitations follow it, advancing with the recording")


def room_settings(args: argparse.Namespace) -> RoomSettings | None:
    """The room the options ask for (``None``: none); one-line errors for values that cannot work."""
    given: dict[str, Any] = {}
    for option, name, _, low, high, _ in _ROOM_OPTIONS:
        value = getattr(args, name)
        if value is None:
            continue
        if not low <= value <= high:
            raise OptionError(f"{option} {_num(value)} is out of range: give {_num(low)} to {_num(high)}.")
        given[name] = value
    if args.input is None and (args.room or given or args.json or args.start_at is not None):
        raise OptionError("--room, its settings, --json and --start-at are for files: add --input IN.wav "
                          "--output OUT.wav (the microphone is in a real room, at the real time, already).")
    return dataclasses.replace(RoomSettings(), **given) if args.room or given else None


def start_wall(args: argparse.Namespace) -> WallClock | None:
    """``--start-at``: the render's sample time 0 is that moment (``None``: now)."""
    return None if args.start_at is None else WallClock(0.0, parse_start_at(args.start_at))


class JsonReport:
    """``--json``: collects the trace of one render and prints it with the sessions it journaled."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.happened = Happened()
        self._before = max((s.id for s in journal.sessions()), default=0)

    def print(self, room: RenderRoom, settings: RoomSettings | None, stream=sys.stdout) -> None:
        sessions = sorted((s for s in self.journal.sessions() if s.id > self._before), key=lambda s: s.id)
        document = {"room": dataclasses.asdict(settings) if settings else None,
                    **self.happened.document(room.placed, sessions)}
        # default=str: an engine's evidence may hold a value JSON has no type for; it is shown, not lost
        print(json.dumps(document, indent=2, default=str), file=stream)
