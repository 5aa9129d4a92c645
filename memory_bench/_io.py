"""Small shared helpers: atomic file writes (JSON too) and command-line argument types."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", prefix: str | None = None) -> Iterator[IO]:
    """Opens a temporary file next to ``path`` for writing; when the block ends without
    an error it is flushed to disk and moved onto ``path`` with ``os.replace``, so that
    ``path`` is either complete or untouched; on an error (or an interrupt) the
    temporary file is removed. Temporary names start with a dot and end in ``.tmp``."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix or f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes files private; results are ordinary files
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_json(path: str | os.PathLike, obj) -> None:
    """Writes ``obj`` as indented JSON to ``path``, atomically (see :func:`atomic_write`)."""
    with atomic_write(path, "w") as f:
        json.dump(obj, f, indent=1)


def positive_int(text: str) -> int:
    """``argparse`` type: an integer >= 1, with an error that names the value."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive integer")
    return value
