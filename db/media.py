"""The content-addressed media store: every file kept once, named by the SHA-256 of its bytes.

Layout: ``<store>/<sha[:2]>/<sha>``. The bytes are never changed, so a file in a release can always
be traced back to (and re-verified against) what was fetched or imported. Writes go to a temporary
name in the same folder and are renamed into place, so a crash never leaves a half-written file
under a valid name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

_CHUNK = 1 << 20


def process_umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux); ``os.umask``
    would set it for a moment, racing the threads of a crawl that create files meanwhile."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def umask_mode(directory: bool = False) -> int:
    """The mode ``open``/``mkdir`` would give a new file (directory): tempfile's 0600 (0700) for a
    private temporary is wrong once it is renamed into place as the real file."""
    return (0o777 if directory else 0o666) & ~process_umask()


class MediaStore:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def relpath(self, sha256: str) -> str:
        return f"{sha256[:2]}/{sha256}"

    def path(self, sha256: str) -> Path:
        return self.root / self.relpath(sha256)

    def has(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def put_bytes(self, data: bytes, sha256: str | None = None) -> str:
        """Store ``data``; returns its SHA-256. A file already present is not rewritten."""
        sha256 = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(target, data)
        return sha256

    def put_file(self, source: str | Path, sha256: str) -> str:
        """Copy a file whose SHA-256 is already known into the store."""
        target = self.path(sha256)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            os.fchmod(fd, umask_mode())
            os.close(fd)
            try:
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def write_atomically(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename, so a
    crash never leaves a half-written file under the final name."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.tmp-")
    try:
        os.fchmod(fd, umask_mode())  # the file others read (a release, a backfilled CSV), not a private temporary
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
