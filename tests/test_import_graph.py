"""The import graph of the code, read from the source with ``ast`` by ``script/import-graph``: no\nmodule imports itself back, the data packages import no code, the devices do not import the driver."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    """``script/import-graph`` as a module: the tests check by the very rule the tool prints."""
    loader = importlib.machinery.SourceFileLoader("import_graph", str(ROOT / "script" / "import-graph"))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader("import_graph", loader))
    loader.exec_module(module)
    return module


def import_graph() -> dict[str, set[str]]:
    return _tool().graph()


def test_no_module_imports_itself_back_the_data_packages_import_no_code_and_no_module_is_too_long():
    assert _tool().problems() == []


#: The devices: typed text, the microphone and speaker, WAV rendering, the simulated room, evaluation.
DEVICES = ("voice.device.textio", "voice.device.listen", "voice.device.live", "voice.device.render", "voice.device.virtual", "voice.device.evaluate")


def test_the_devices_take_their_input_types_from_their_own_module_not_from_the_driver():
    graph = import_graph()
    assert [d for d in DEVICES if "voice.device.runner" in graph[d]] == []
    assert all("voice.core.devices" in graph[d] for d in DEVICES)
