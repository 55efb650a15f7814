"""Builds what every command needs, once: config, ritual library, intent catalogue, journal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from voice.library.intents import Catalogue, load_catalogue
from voice.library.rituals import RitualLibrary, load_library
from voice.core.commands import check_commands
from voice.config import Config, data_dir, load_config
from voice.errors import DataFileError
from voice.home.invitation_commands import InvitationCommands, first_answer
from voice.home.invitation_store import InvitationStore
from voice.home.inviting import Inviter, InvitingSkill
from voice.journal.store import Journal
from voice.library.language import Language, load_language
from voice.journal.planner import JournalPlanner
from voice.journal.recorder import JournalRecorder
from voice.core.devices import Clock, Output, Source
from voice.review.answers import JournalAnswers
from voice.device.runner import Runner, Trace
from voice.home.wallclock import WallClock, real_wall_clock

JOURNAL_FILE = "journal.sqlite3"


def warn_on_stderr(line: str) -> None:
    """Print a one-line warning the way the CLI prints its errors."""
    print(f"rituals: {line}", file=sys.stderr)


@dataclass
class App:
    """Lazily loaded parts, so ``rituals understand`` never opens the journal and ``history`` never
    expands the intent catalogue."""

    config_path: Path | None = None
    data_dir_override: Path | None = None
    prompts_dir: Path | None = None
    """A directory with ``rituals/`` and ``system.yaml`` instead of the shipped ones."""
    warn: Callable[[str], None] = warn_on_stderr
    """Where warnings go (a custom ritual left out); tests collect them."""
    reading: bool = False
    """The command only reads the journal: it opens read-only where the data directory is."""
    language_override: str | None = None
    """``--language``: the config's ``language`` otherwise."""

    @cached_property
    def config(self) -> Config:
        return load_config(self.config_path)

    @cached_property
    def language(self) -> Language:
        """The language spoken: it chooses the intents, prompts, number words, voice and engines."""
        return load_language(self.language_override or self.config.language)

    @cached_property
    def library(self) -> RitualLibrary:
        # The couple's own copy may hold a typo: that ritual is left out, the others still work.
        library = load_library(self.prompts_dir, skip_broken=self.prompts_dir is not None, language=self.language)
        for error in library.skipped:
            self.warn(skipped_warning(error))
        return library

    @cached_property
    def catalogue(self) -> Catalogue:
        catalogue = load_catalogue(self.library.spoken_names(), language=self.language)
        check_commands(catalogue, self.language.intents)  # the file held to the command registry
        return catalogue

    @property
    def names(self) -> tuple[str, str]:
        """The partners' names for prompts."""
        if self.config.partners:
            return self.config.partners
        return (self.library.system.get("default_first"), self.library.system.get("default_second"))

    @property
    def config_model(self) -> Path | None:
        """The config's ``vosk_model``."""
        return self.config.vosk_model

    @property
    def data_dir(self) -> Path:
        return data_dir(self.config, self.data_dir_override)

    @property
    def journal_path(self) -> Path:
        return self.data_dir / JOURNAL_FILE

    @cached_property
    def journal(self) -> Journal:
        return Journal.open_for_reading(self.journal_path) if self.reading else Journal.open(self.journal_path)

    def runner(self, source: Source, output: Output, clock: Clock,
               trace: Trace | None = None, wall: WallClock | None = None) -> Runner:
        """The skill wired to this journal (planning, spoken answers, recording), between ``source``
        and ``output``: the one assembly every driver (typing, WAV, microphone, demo) uses.
        ``wall``: the moment the run starts at (render mode's ``--start-at``); default now."""
        journal = self.journal
        wall = wall or real_wall_clock(clock.now())
        invitations = InvitationStore(journal)

        def now() -> datetime:  # spoken answers and invitations set by voice: the run's wall clock
            return wall.at(clock.now())

        history = first_answer(JournalAnswers(journal, self.library, now),
                               InvitationCommands(invitations, self.library, now))
        skill = InvitingSkill(self.library, self.names, JournalPlanner(journal, self.library), history=history,
                              inviter=Inviter(invitations, journal, wall, self.config.invitations))
        recorder = JournalRecorder(journal, self.names, self.config.store_content, wall.clock_origin,
                                   wall.wall_origin)
        return Runner(skill, self.catalogue, source, output, clock, recorder, trace=trace)

    def close(self) -> None:
        if "journal" in self.__dict__:
            self.journal.close()


def skipped_warning(error: DataFileError) -> str:
    """One line for a ritual file left out: where it is broken and what to do."""
    return f"left out {error}: fix that line to use this ritual (the others work)."
