"""The command line, as a user runs it: piped input, history, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BEDTIME = """let's check in
I had a lovely walk at lunch
I'm done
the train was late and I missed the meeting
that's it
you made me laugh at breakfast
i'm finished
I'm worried about my mum
done
"""


def rituals(*args: str, data_dir: Path, stdin: str | None = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data_dir), *args], input=stdin,
                          capture_output=True, text=True, timeout=120, env=env)


def test_a_whole_bedtime_check_in_piped_into_chat_is_completed_in_history(tmp_path):
    chat = rituals("chat", data_dir=tmp_path, stdin=BEDTIME)
    assert chat.returncode == 0, chat.stderr
    assert "Sleep well." in chat.stdout
    history = json.loads(rituals("history", "--json", data_dir=tmp_path).stdout)
    assert [(s["ritual"], s["status"]) for s in history] == [("bedtime_check_in", "completed")]


def test_run_text_with_no_input_goes_on_as_if_the_room_were_silent(tmp_path):
    run = rituals("run", "kiss", "--text", data_dir=tmp_path, stdin="")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "device: Six seconds. Nice."
    [session] = json.loads(rituals("history", "--json", data_dir=tmp_path).stdout)
    assert session["status"] == "completed" and 6.0 <= session["duration_s"] < 8.0


def test_list_shows_every_ritual(tmp_path):
    listed = json.loads(rituals("list", "--json", data_dir=tmp_path).stdout)
    assert len(listed) >= 12 and {"id", "name", "aliases", "description", "duration_minutes", "cadence"} <= set(listed[0])


def test_unknown_ritual_gets_suggestions_in_one_line(tmp_path):
    result = rituals("run", "six secnd kis", "--text", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr == ("rituals: No ritual called 'six secnd kis'. Did you mean: six_second_kiss? "
                             "Run 'rituals list' to see them all.\n")


def test_missing_config_directory_gets_one_line(tmp_path):
    result = rituals("--config", str(tmp_path / "nowhere" / "config.toml"), "list", data_dir=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("rituals: Config directory not found")
    assert result.stderr.count("\n") == 1


def test_malformed_config_names_the_line(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('partners = ["Alex", "Sam"]\nstore_content = maybe\n')
    result = rituals("--config", str(config), "list", data_dir=tmp_path)
    assert result.returncode == 2 and "line 2" in result.stderr and result.stderr.count("\n") == 1


def test_partner_names_from_config_are_used(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('partners = ["Alex", "Sam"]\n')
    chat = rituals("--config", str(config), "chat", data_dir=tmp_path, stdin=BEDTIME)
    assert "Alex, what was one good moment in your day?" in chat.stdout


def test_malformed_ritual_file_gets_one_line_and_no_traceback(tmp_path):
    import shutil
    from prompts import DATA_DIR
    data = tmp_path / "prompts"
    shutil.copytree(DATA_DIR, data)
    path = data / "rituals" / "six_second_kiss.yaml"
    path.write_text(path.read_text().replace("seconds: 6", "seconds: six"))
    env = {**os.environ, "RITUALS_PROMPTS_DIR": str(data)}
    result = rituals("list", data_dir=tmp_path, env=env)
    assert result.returncode == 2 and "six_second_kiss.yaml:9" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1


def test_a_bug_shows_one_line_and_keeps_its_traceback_in_the_data_directory(tmp_path, monkeypatch, capsys):
    import voice.cli as cli

    def broken(app, args):
        raise ZeroDivisionError("a bug")
    parser = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda: _with_func(parser(), broken))
    status = cli.main(["--data-dir", str(tmp_path), "list"])
    err = capsys.readouterr().err
    assert status == 70 and err.count("\n") == 1 and "Traceback" not in err and "ZeroDivisionError" in err
    assert "Traceback" in (tmp_path / "errors.log").read_text() and "a bug" in (tmp_path / "errors.log").read_text()


def _with_func(parser, func):
    parser.set_defaults(func=func)
    for action in parser._subparsers._group_actions:
        for sub in action.choices.values():
            sub.set_defaults(func=func)
    return parser
