"""``rituals models list | download NAME | verify | path``."""

from __future__ import annotations

import argparse
from pathlib import Path

from voice.cli.app import App
from voice.errors import AudioError
from voice.speech.models import KNOWN_MODELS, download, find_model, is_model_dir, known, search_dirs


def _default_dir(app: App) -> Path:
    # In a checkout, models/ (git-ignored) is the design card's place; installed, the data directory.
    local = Path.cwd() / "models"
    return local if (local / "README.md").is_file() else app.data_dir / "models"


def cmd_models(app: App, args: argparse.Namespace) -> int:
    if args.action == "list":
        for model in KNOWN_MODELS:
            where = next((d / model.name for d in search_dirs(app.data_dir) if is_model_dir(d / model.name)), None)
            state = f"installed at {where}" if where else "not installed"
            print(f"{model.name:<32} {model.size / 1e6:6.1f} MB  sha256 {model.sha256[:12]}...  {state}")
            print(f"{'':<32} {model.note}; {model.url}")
        return 0
    if args.action == "download":
        if not args.name:
            raise AudioError("Which model? e.g. 'rituals models download vosk-model-small-en-us-0.15'.")
        path = download(known(args.name), args.dir or _default_dir(app))
        print(f"Ready: {path}")
        return 0
    if args.action == "verify":
        found = [d / m.name for d in search_dirs(app.data_dir) for m in KNOWN_MODELS if (d / m.name).exists()]
        bad = [p for p in found if not is_model_dir(p)]
        for path in found:
            print(f"{'ok' if path not in bad else 'INCOMPLETE'}  {path}")
        if not found:
            print("No Vosk model installed; PocketSphinx (built in) is used. "
                  "'rituals models download vosk-model-small-en-us-0.15' adds one.")
        return 1 if bad else 0
    path = find_model(args.model, app.config_model, app.data_dir)
    if path is None:
        print("No Vosk model found (PocketSphinx will be used).")
        return 1
    print(path)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="speech models: list, download NAME, verify, path")
    p.add_argument("action", choices=("list", "download", "verify", "path"))
    p.add_argument("name", nargs="?")
    p.add_argument("--dir", type=Path, help="where to unpack (default: ./models in a checkout, else the data dir)")
    p.add_argument("--model", type=Path, help="for 'path': a model folder to check")
    p.set_defaults(func=cmd_models)
