"""The journal's files on disk: opening them read-only, moving them aside, a writable data directory.

A SQLite journal in WAL mode is up to three files (``journal.sqlite3`` and its ``-wal`` and ``-shm``
sidecars); whatever moves the journal moves all three together, so the moved copy still holds every
committed write.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

from voice.errors import DataDirError

SIDECARS = ("-wal", "-shm")


def stamp(moment: datetime) -> str:
    """A file-name-safe UTC timestamp that sorts in time order, e.g. ``20261202T130501.123456Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")


def is_writable(directory: Path) -> bool:
    """Whether files can be created in ``directory`` (or, if it does not exist yet, where it would be made)."""
    while not directory.exists() and directory.parent != directory:
        directory = directory.parent
    return os.access(directory, os.W_OK | os.X_OK)


def require_writable(data_dir: Path) -> None:
    """A command that writes stops here, in one line, when the data directory is read-only."""
    if not is_writable(data_dir):
        raise DataDirError(f"The data directory {data_dir} is read-only: make it writable "
                           f"(chmod u+w {data_dir}) or choose another with --data-dir.")


def connect_readonly(path: Path, immutable: bool | None = None) -> sqlite3.Connection:
    """Open ``path`` without ever writing it or creating files beside it when that is impossible.

    A WAL database can only be opened read-only if its ``-wal`` and ``-shm`` files exist or can be
    created; in a read-only directory without them, the file is opened as immutable (nobody can
    be writing it: a writer would need those files). ``immutable`` forces the choice (backups are
    never written after they are made).
    """
    if immutable is None:
        immutable = not is_writable(path.parent) and not Path(f"{path}-wal").exists()
    uri = f"file:{urllib.parse.quote(str(path.absolute()))}?mode=ro" + ("&immutable=1" if immutable else "")
    return sqlite3.connect(uri, uri=True, timeout=3.0, isolation_level=None, check_same_thread=False)


def move_aside(path: Path, label: str, moment: datetime) -> Path:
    """Rename the journal (with its sidecars) to ``<stem>-<label>-<stamp><suffix>``; nothing is deleted."""
    target = path.with_name(f"{path.stem}-{label}-{stamp(moment)}{path.suffix}")
    for sidecar in SIDECARS:  # sidecars first: the main file is the last to leave its place
        if Path(f"{path}{sidecar}").exists():
            os.replace(f"{path}{sidecar}", f"{target}{sidecar}")
    os.replace(path, target)
    return target
