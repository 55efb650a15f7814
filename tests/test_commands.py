"""The command registry: every intent of the intents file has its command; the commands a ritual
needs have their phrases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from voice.library.intents import load_catalogue
from voice.core.commands import COMMANDS, check_commands
from voice.errors import DataFileError
from voice.library.language import default_language

DEFAULT_PATH = default_language().intents


def _intents_copy(tmp_path: Path, old: str, new: str) -> Path:
    path = tmp_path / "en.yaml"
    shutil.copy(DEFAULT_PATH, path)
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_shipped_intents_are_exactly_the_commands(library):
    check_commands(load_catalogue(library.spoken_names()), DEFAULT_PATH)
    assert set(COMMANDS) == load_catalogue(library.spoken_names()).intents


def test_an_intent_no_command_handles_is_a_load_error_naming_file_and_line(tmp_path, library):
    path = _intents_copy(tmp_path, "  ask_count:\n", "  dance:\n    contexts: [idle]\n    sentences:\n"
                         "      - \"lets dance\"\n\n  ask_count:\n")
    with pytest.raises(DataFileError) as err:
        check_commands(load_catalogue(library.spoken_names(), path), path)
    line = path.read_text().splitlines().index("  dance:") + 1
    assert str(err.value).startswith(f"{path}:{line}: intents.dance: no command does this")
    assert "\n" not in str(err.value)


def test_an_optional_command_a_language_leaves_out_loads_and_a_required_one_is_a_load_error(tmp_path, library):
    text = DEFAULT_PATH.read_text()
    path = _intents_copy(tmp_path, text[text.index("  apart_today:"):], "")   # the last intent, gone
    check_commands(load_catalogue(library.spoken_names(), path), path)   # a question, optional
    start = text.index("  stop:\n")
    path = _intents_copy(tmp_path, text[start:text.index("\n\n", start) + 2], "")
    with pytest.raises(DataFileError) as err:
        check_commands(load_catalogue(library.spoken_names(), path), path)
    assert str(err.value).startswith(f"{path}:") and "missing intent 'stop'" in str(err.value)


def test_a_command_that_may_not_interrupt_a_turn_heard_in_one_is_a_load_error_naming_file_and_line(tmp_path, library):
    path = _intents_copy(tmp_path, "  list_rituals:\n    contexts: [idle]", "  list_rituals:\n    contexts: [idle, turn]")
    with pytest.raises(DataFileError) as err:
        check_commands(load_catalogue(library.spoken_names(), path), path)
    line = path.read_text().splitlines().index("  list_rituals:") + 1
    assert str(err.value).startswith(f"{path}:{line}: intents.list_rituals: only ") and "during a turn" in str(err.value)
