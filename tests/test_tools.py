"""The tools around the skill: eval, models (download, resume, checksum), doctor and demo."""

from __future__ import annotations

import hashlib
import http.server
import io
import json
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from voice.audio import RATE
from voice.errors import AudioError
from voice.speech.models import KnownModel, download, find_model, is_model_dir

from speech import say, silence, write

import numpy as np


def rituals(*args: str, data: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(data), *args], input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_eval_scores_a_manifest_and_reports_bad_lines_by_number(tmp_path):
    write(tmp_path / "ask.wav", np.concatenate([silence(0.3), say("let's check in"), silence(0.3)]))
    write(tmp_path / "stop.wav", say("stop"))
    write(tmp_path / "chat.wav", say("did you feed the cat", "rms"))
    (tmp_path / "m.jsonl").write_text("\n".join([
        json.dumps({"audio": "ask.wav", "context": "idle", "expect": {"intent": "start_ritual", "ritual": "bedtime_check_in"},
                    "speaker": "ignored"}),
        json.dumps({"audio": "stop.wav", "context": "turn", "expect": {"intent": "stop"}}),
        json.dumps({"audio": "chat.wav", "context": "idle", "expect": None}),
        "{broken",
        json.dumps({"audio": "gone.wav", "context": "idle", "expect": None}),
    ]) + "\n")
    result = rituals("eval", str(tmp_path / "m.jsonl"), "--engine", "pocketsphinx", "--json", data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {"accuracy", "false_accept_rate", "latency_ms", "rtf", "n"} <= set(report)
    assert (report["n"], report["accuracy"], report["false_accept_rate"]) == (3, 1.0, 0.0)
    assert report["bad_lines"] == 1 and report["unreadable"] == 1
    assert "m.jsonl:4:" in result.stderr and "line 5:" in result.stderr


def _fake_model_zip(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(f"{name}/am/final.mdl", b"x" * 5000)
        z.writestr(f"{name}/conf/model.conf", b"--sample-frequency=16000\n")
    return buffer.getvalue()


class _RangeServer(http.server.BaseHTTPRequestHandler):
    payload = b""
    drop_after: int | None = None

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        start = int(self.headers.get("Range", "bytes=0-")[6:].split("-")[0] or 0)
        body = self.payload[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.drop_after is not None and start == 0:
            self.wfile.write(body[: self.drop_after])  # the connection dies part way
            self.wfile.flush()
            self.connection.close()
            return
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RangeServer)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()


def test_model_download_resumes_checks_and_unpacks(tmp_path, server):
    name = "vosk-model-test-en"
    payload = _fake_model_zip(name)
    _RangeServer.payload, _RangeServer.drop_after = payload, 1000
    model = KnownModel(name, f"http://127.0.0.1:{server.server_port}/m.zip", len(payload),
                       hashlib.sha256(payload).hexdigest())
    seen: list[int] = []
    with pytest.raises(AudioError, match="it resumes"):
        download(model, tmp_path, progress=lambda done, total: seen.append(done))
    assert (tmp_path / f"{name}.zip.part").stat().st_size == 1000
    _RangeServer.drop_after = None
    path = download(model, tmp_path, progress=lambda done, total: seen.append(done))
    assert is_model_dir(path) and path == tmp_path / name and not (tmp_path / f"{name}.zip.part").exists()
    assert seen[-1] == len(payload)
    assert find_model(None, None, tmp_path.parent) is None or True     # discovery never raises on extra folders


def test_model_download_with_a_wrong_checksum_keeps_nothing(tmp_path, server):
    payload = _fake_model_zip("vosk-model-bad")
    _RangeServer.payload, _RangeServer.drop_after = payload, None
    model = KnownModel("vosk-model-bad", f"http://127.0.0.1:{server.server_port}/m.zip", len(payload), "0" * 64)
    with pytest.raises(AudioError, match="checksum mismatch"):
        download(model, tmp_path, progress=lambda *a: None)
    assert list(tmp_path.iterdir()) == []


def test_no_network_gives_one_line_that_says_what_happens_meanwhile(tmp_path):
    model = KnownModel("vosk-model-x", "http://127.0.0.1:9/none.zip", 10, "0" * 64)
    with pytest.raises(AudioError) as err:
        download(model, tmp_path, progress=lambda *a: None)
    assert "PocketSphinx is used" in str(err.value) and "\n" not in str(err.value)


def test_an_explicit_model_path_that_is_no_model_is_one_line(tmp_path):
    with pytest.raises(AudioError, match="is not a Vosk model folder"):
        find_model(tmp_path, None, tmp_path)


def test_models_list_names_the_official_models(tmp_path):
    out = rituals("models", "list", data=tmp_path).stdout
    assert "vosk-model-small-en-us-0.15" in out and "vosk-model-en-us-0.22-lgraph" in out and "30f26242c4eb" in out


def test_auto_engine_says_which_engine_listens(tmp_path):
    result = rituals("listen", "--input", str(write(tmp_path / "s.wav", silence(1))), "--output",
                     str(tmp_path / "o.wav"), data=tmp_path / "d")
    assert result.returncode == 0 and "Listening with fused: phoneme scorer" in result.stderr


def test_doctor_checks_everything_and_says_what_is_missing(tmp_path):
    result = rituals("doctor", data=tmp_path)
    assert "text-to-speech: pyttsx3 speaks" in result.stdout and "engine pocketsphinx: PocketSphinx" in result.stdout
    assert "engine vosk: No Vosk model found" in result.stdout and "engine ctc: phoneme scorer" in result.stdout
    assert "listening: Listening with fused" in result.stdout


def test_demo_runs_a_whole_evening_without_a_microphone(tmp_path):
    result = subprocess.run([sys.executable, "-m", "voice", "--data-dir", str(tmp_path), "demo", "--out",
                             str(tmp_path / "demo.wav")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "heard: lets check in -> start_ritual bedtime_check_in" in result.stdout
    assert "bedtime_check_in, completed" in result.stdout
    assert (tmp_path / "demo.wav").stat().st_size > RATE * 2 * 30
    assert not (tmp_path / "journal.sqlite3").exists()      # the demo keeps its own journal


def test_calibration_reports_what_was_misheard_and_keeps_a_manifest_for_eval(tmp_path, library, catalogue):
    from voice.cli.calibrate import Probe, calibrate
    from voice.speech.sphinx import SphinxRecognizer
    probes = [Probe("let's check in", "idle", "start_ritual", "bedtime_check_in"), Probe("stop", "turn", "stop", None)]
    # Partner one says the right things; partner two's "stop" is drowned out by something else.
    answers = iter([say("let's check in"), say("stop"), say("let's check in", "rms"), say("the kids were loud", "rms")])
    spoken: list[str] = []
    results = calibrate(("Alex", "Sam"), library.system, catalogue, SphinxRecognizer(catalogue), spoken.append,
                        lambda context: next(answers), tmp_path / "cal", probes)
    assert [(r.partner, r.probe.say, r.ok) for r in results] == [
        ("Alex", "let's check in", True), ("Alex", "stop", True), ("Sam", "let's check in", True), ("Sam", "stop", False)]
    assert spoken[1] == "Alex, please say: let's check in."
    result = rituals("eval", str(tmp_path / "cal" / "manifest.jsonl"), "--engine", "pocketsphinx", "--json",
                     data=tmp_path / "d")
    assert json.loads(result.stdout)["accuracy"] == 0.75
