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


def test_a_broken_custom_ritual_is_left_out_with_one_line_and_everything_else_works(tmp_path):
    import shutil
    from voice.library.rituals import DATA_DIR
    data = tmp_path / "prompts"
    shutil.copytree(DATA_DIR, data)
    path = data / "rituals" / "six_second_kiss.yaml"
    path.write_text(path.read_text().replace("seconds: 6", "seconds: six"))
    env = {**os.environ, "RITUALS_PROMPTS_DIR": str(data)}
    warning = (f"rituals: left out {path}:9: steps[1].timer.seconds: must be a number greater than 0: "
               "fix that line to use this ritual (the others work).\n")
    listed = rituals("list", "--json", data_dir=tmp_path, env=env)
    assert listed.returncode == 0 and listed.stderr == warning
    ids = [r["id"] for r in json.loads(listed.stdout)]
    assert "six_second_kiss" not in ids and "bedtime_check_in" in ids and len(ids) >= 11
    chat = rituals("chat", data_dir=tmp_path, stdin=BEDTIME, env=env)
    assert chat.returncode == 0 and "Sleep well." in chat.stdout and chat.stderr == warning
    for args in (("stats",), ("report", "--out", str(tmp_path / "report.html")),
                 ("understand", "let's check in")):
        result = rituals(*args, data_dir=tmp_path, env=env)
        assert result.returncode == 0 and result.stderr == warning, args
    doctor = rituals("doctor", data_dir=tmp_path, env=env)
    assert f"FAIL    rituals: left out {path}:9:" in doctor.stdout
    assert "ok    text-to-speech" in doctor.stdout and "ok    engine pocketsphinx" in doctor.stdout


def test_when_the_rituals_do_not_load_doctor_names_them_and_blames_no_speech_engine(tmp_path):
    import shutil
    from voice.library.rituals import DATA_DIR
    data = tmp_path / "prompts"
    shutil.copytree(DATA_DIR, data)
    (data / "system.yaml").write_text((data / "system.yaml").read_text().replace("voice_check: ", "voice_check "))
    env = {**os.environ, "RITUALS_PROMPTS_DIR": str(data)}
    result = rituals("list", data_dir=tmp_path, env=env)
    assert result.returncode == 2 and "system.yaml:" in result.stderr and "invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    doctor = rituals("doctor", data_dir=tmp_path, env=env)
    assert "FAIL    rituals:" in doctor.stdout and "system.yaml:" in doctor.stdout
    assert doctor.stdout.count("invalid YAML") == 1 and "PocketSphinx" not in doctor.stdout
    assert "text-to-speech: not checked until the rituals load" in doctor.stdout


def test_understand_loads_no_audio_numpy_or_speech_engine(tmp_path):
    # A typed sentence needs the matcher and the catalogue, nothing that listens or speaks.
    code = ("import sys\nfrom voice.cli.main import main\n"
            "main(['--data-dir', sys.argv[1], 'understand', \"let's check in\"])\n"
            "heavy = ('numpy', 'scipy', 'onnxruntime', 'ctranslate2', 'pocketsphinx', 'vosk', 'sounddevice',\n"
            "         'pyttsx3', 'soundfile')\n"
            "ours = {'voice.audio.convert', 'voice.audio.sources', 'voice.audio.endpoint', 'voice.audio.echo',\n"
            "        'voice.audio.room', 'voice.device.listen', 'voice.device.render', 'voice.speech.tts'}\n"
            "print(sorted(m for m in sys.modules if m.startswith(heavy) or m in ours))\n")
    config = tmp_path / "config.toml"
    config.write_text('engine = "pocketsphinx"\n')   # reading the config's engine must not load it either
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "RITUALS_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["start_ritual ritual=bedtime_check_in  (score 100, phrase 'lets check in')",
                                          "[]"]


def test_a_check_in_nobody_spoke_in_is_journaled_with_silent_turns(make_world, tmp_path):
    world = make_world()                      # a room where nobody says anything
    world.runner.run("bedtime_check_in", until_session_ends=True)
    [session] = world.journal.sessions()
    shown = rituals("show", str(session.id), data_dir=tmp_path).stdout
    assert shown.count("was silent for") == 4 and "talked" not in shown


def test_a_bug_shows_one_line_and_keeps_its_traceback_in_the_data_directory(tmp_path, monkeypatch, capsys):
    import voice.cli.main as cli

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
