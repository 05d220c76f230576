"""A file's fingerprint: what decides whether a log file changed since it was loaded.

A file is identified by its content: a streamed BLAKE2b hash of its bytes (as stored, so a
`.gz` is hashed compressed). Hashing is skipped for a file whose (size, mtime, ctime, inode)
is the one recorded when it was last hashed: ctime cannot be set by a user, so a rewrite with
the same size and mtime still changes it and is hashed again. `fingerprint` is the one
function that hashes a log file, whether it only hashes (the sensor, the run command) or the
loader reads the lines through it (log_lines.read_log_file).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .log_files import RawFileError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileVersion:
    """One file as hashed: its name, content hash and the stat fields the hash is valid for."""

    file_name: str
    content_hash: str
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @property
    def identity(self) -> tuple[str, str]:
        """What decides "changed": the name (plain or .gz) and the content."""
        return (self.file_name, self.content_hash)


def stat_key(path: Path) -> tuple[int, int, int, int]:
    """(size, mtime_ns, ctime_ns, inode) of a file; RawFileError naming it if it cannot be
    read."""
    try:
        st = path.stat()
    except OSError as exc:
        raise RawFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class HashingReader:
    """A binary file object that hashes the bytes read through it (the stored bytes)."""

    def __init__(self, fh, hasher):
        self._fh, self._hasher = fh, hasher

    def read(self, size: int = -1) -> bytes:
        data = self._fh.read(size)
        self._hasher.update(data)
        return data

    def readable(self) -> bool:
        return True


def _read_all(reader: HashingReader) -> None:
    while reader.read(_CHUNK):
        pass


def fingerprint(path: Path, consume: Callable[[HashingReader], None] = _read_all) -> FileVersion:
    """The file's version: stat taken before reading (a write during hashing changes the stat,
    so the next look hashes again), then the hash of the bytes `consume` reads (default: all
    of them). A file that cannot be read whole (no permission, corrupt or truncated gzip)
    raises RawFileError naming it."""
    size, mtime, ctime, inode = stat_key(path)
    hasher = hashlib.blake2b(digest_size=16)
    try:
        with open(path, "rb") as fh:
            consume(HashingReader(fh, hasher))
    except (OSError, EOFError, zlib.error) as exc:
        detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise RawFileError(f"cannot read {path}: {detail}") from None
    return FileVersion(path.name, hasher.hexdigest(), size, mtime, ctime, inode)


def current_version(path: Path, known: FileVersion | None) -> FileVersion:
    """The file's version, reusing `known`'s hash when name and stat did not change."""
    stat = (known.size, known.mtime_ns, known.ctime_ns, known.inode) if known else None
    if known is not None and known.file_name == path.name and stat_key(path) == stat:
        return known
    return fingerprint(path)


def content_sha256(path: Path) -> str:
    """SHA-256 of a ledger file's bytes, as recorded in `raw.ledger_files.sha256`."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
