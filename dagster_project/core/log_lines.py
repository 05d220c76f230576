"""A log file's physical lines, read as a stream of batches (the raw loaders of both engines
and the ledger loader read files this way).

Each non-empty physical line becomes one row downstream: its 1-based line number, the text,
whether its bytes were valid UTF-8 (invalid bytes are replaced by U+FFFD, the line is kept and
flagged) and whether it was cut: a line over MAX_LINE_BYTES keeps its first MAX_LINE_BYTES
(staging rejects it `line too long` without parsing it). Memory stays bounded whatever the
file's size or its longest line.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .fingerprints import FileVersion, fingerprint
from .log_files import RawFileError

MAX_LINE_BYTES = 1_048_576  # SPEC §2: a longer line is rejected, its first 1 MiB kept
_CHUNK = 16 << 20  # bytes read at a time (usually one batch)
_BATCH = 16 << 20  # bytes of text handed on at a time


@dataclass
class LineBatch:
    first_line: int  # the physical line number of the batch's first line
    # The batch's lines joined by b"\n" (trailing CRs removed; may end with b"\n"), as valid
    # UTF-8: a line that was not has its bad bytes replaced by U+FFFD. Bytes, not text:
    # DuckDB takes them as they are, where a Python str holding U+FFFD (stored 2 bytes per
    # character) had to be encoded to UTF-8 again, under the GIL, for every batch.
    utf8: bytes
    invalid: list[int]  # 1-based positions within the batch of lines not valid UTF-8
    truncated: list[int]  # positions of lines cut to MAX_LINE_BYTES

    @property
    def text(self) -> str:
        """The lines as text (the Spark loader and the ledger's read them so)."""
        return self.utf8.decode()


def _cut(line: bytes) -> bytes:
    """The first MAX_LINE_BYTES of a line, not ending inside a UTF-8 sequence."""
    end = MAX_LINE_BYTES
    while end > MAX_LINE_BYTES - 3 and (line[end] & 0xC0) == 0x80:
        end -= 1  # line[end] continues a character: cut before that character starts
    return line[:end]


def _physical_lines(stream) -> Iterator[tuple[bytes, bool]]:
    """(line bytes without the newline, cut?) per physical line; a line's bytes beyond
    MAX_LINE_BYTES + 1 are never held."""
    carry = bytearray()
    long_line = False
    keep = MAX_LINE_BYTES + 2  # enough to know a line is too long (after its CR is removed)
    while chunk := stream.read(_CHUNK):
        parts = chunk.split(b"\n")
        for i, part in enumerate(parts):
            if len(carry) < keep:
                carry += part[: keep - len(carry)]
            if len(carry) >= keep:
                long_line = True
            if i < len(parts) - 1:  # the part ends a line
                yield bytes(carry), long_line
                carry.clear()
                long_line = False
    if carry:
        yield bytes(carry), long_line


def _decode(data: bytes) -> tuple[bytes, list[int]]:
    """Complete lines (no line over MAX_LINE_BYTES) as valid UTF-8, one trailing CR removed
    from each line, and the 0-based indexes of the lines that are not valid UTF-8 (their bad
    bytes replaced by U+FFFD, as decoding the line with errors="replace" does), as the
    line-by-line rules do, but a whole chunk at a time. An all-ASCII chunk (the usual one
    elsewhere) is valid as it is. Otherwise the chunk is decoded whole, and each error the
    decoder reports names the line that holds it: that line is replaced and decoding goes on
    after it. A bad byte cannot hide in another line (a newline is never part of a UTF-8
    sequence), so the lines flagged are those a line-by-line check flags. (Every bench clicks
    file holds non-ASCII lines, 1 in 8, and a few bad ones: one decode per bad line instead
    of splitting the chunk into its lines to check each non-ASCII one, 60 files 0.45-0.55 →
    0.21-0.36 s. Decoding every chunk to a str, which DuckDB's client then encoded to UTF-8
    again, cost more still: one worker loading 60 bench clicks files, 8.2 s against 5.4 s.)"""
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n")  # one CR per line: b"a\r\r\n" -> b"a\r\n"
        if data.endswith(b"\r"):  # the file's last line, without a newline
            data = data[:-1]
    if data.isascii():
        return data, []
    view = memoryview(data)
    parts: list[bytes | memoryview] = []
    invalid: list[int] = []
    start = 0  # decoding resumes here: 0, or the newline ending the last bad line
    line = 0  # the index of the line holding `start`
    while (bad := _first_error(view, start)) >= 0:
        # the bad line starts after the last newline before `bad` (data[start] is one, or
        # start = 0)
        line_start = data.rfind(b"\n", start, bad) + 1
        line_end = data.find(b"\n", bad)
        line_end = len(data) if line_end < 0 else line_end
        line += data.count(b"\n", start, line_start)
        parts += [view[start:line_start], _replaced(data[line_start:line_end])]
        invalid.append(line)
        start = line_end
    if not invalid:
        return data, []
    parts.append(view[start:])
    return b"".join(parts), invalid


def _first_error(view: memoryview, start: int) -> int:
    """The offset of the first byte of view[start:] that is not valid UTF-8, else -1."""
    try:
        str(view[start:], "utf-8")
    except UnicodeDecodeError as exc:
        return start + exc.start
    return -1


def _is_utf8(line: bytes) -> bool:
    try:
        str(line, "utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _replaced(line: bytes) -> bytes:
    """The line's bytes with each bad sequence replaced by U+FFFD (as UTF-8)."""
    return str(line, "utf-8", "replace").encode()


class _Prepended:
    """A stream that first returns `head`, then what `stream` holds."""

    def __init__(self, head: bytes, stream):
        self._head, self._stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._stream.read(size)


def _too_long(data: bytes) -> bool:
    """Whether a line of `data` (complete lines) is over MAX_LINE_BYTES. Such a line holds a
    whole aligned block of MAX_LINE_BYTES // 2 bytes without a newline: only then are the
    line lengths measured."""
    block = MAX_LINE_BYTES // 2
    if all(data.find(b"\n", o, o + block) >= 0 for o in range(0, len(data) - block + 1, block)):
        return False
    return max(map(len, data.split(b"\n"))) > MAX_LINE_BYTES


def line_batches(stream) -> Iterator[LineBatch]:
    """The stream's lines in batches of about _BATCH bytes.

    Chunks of complete lines are checked whole (_decode), a batch then ending with b"\n".
    From the first line over MAX_LINE_BYTES on, the rest of the stream goes line by line
    (_line_by_line_batches: a cut line is never held whole), numbered on. A chunk's newlines
    are counted only when a later line needs its number (a file of one chunk, the usual
    case, is never counted: that was a fifth of reading a year of bench clicks)."""
    chunks: list[bytes] = []
    invalid: list[int] = []
    lines = size = 0  # in the batch being built: lines counted so far, bytes
    uncounted = b""  # the batch's last complete lines, whose newlines are not counted yet
    first = 1
    carry = b""
    while chunk := stream.read(_CHUNK):
        lines += uncounted.count(b"\n")
        data = carry + chunk
        cut = data.rfind(b"\n") + 1
        if len(data) - cut > MAX_LINE_BYTES or _too_long(data[:cut]):
            uncounted = b""
            break
        carry = data[cut:]
        uncounted = data[:cut]
        utf8, bad = _decode(uncounted)
        chunks.append(utf8)
        invalid += [lines + index + 1 for index in bad]
        size += cut
        if size >= _BATCH:
            yield LineBatch(first, b"".join(chunks), invalid, [])
            first += lines + uncounted.count(b"\n")
            chunks, invalid, lines, size, uncounted = [], [], 0, 0, b""
    else:  # the whole stream was read: its last line has no newline
        if carry:
            utf8, bad = _decode(carry)
            chunks.append(utf8)
            if bad:
                invalid.append(lines + uncounted.count(b"\n") + 1)
        if chunks:
            yield LineBatch(first, b"".join(chunks), invalid, [])
        return
    if chunks:
        yield LineBatch(first, b"".join(chunks), invalid, [])
    yield from _line_by_line_batches(_Prepended(data, stream), first + lines)


def _line_by_line_batches(stream, first_number: int = 1) -> Iterator[LineBatch]:
    """The stream's lines in batches, each line checked, cut and flagged on its own."""
    lines: list[bytes] = []
    invalid: list[int] = []
    truncated: list[int] = []
    size = 0
    first = first_number
    for number, (raw, long_line) in enumerate(_physical_lines(stream), start=first_number):
        if raw.endswith(b"\r") and not long_line:
            raw = raw[:-1]
        if long_line or len(raw) > MAX_LINE_BYTES:
            raw = _cut(raw)
            truncated.append(number - first + 1)
        line = raw
        if not _is_utf8(raw):
            line = _replaced(raw)
            invalid.append(number - first + 1)
        lines.append(line)
        size += len(raw) + 1
        if size >= _BATCH:
            yield LineBatch(first, b"\n".join(lines), invalid, truncated)
            first = number + 1
            lines, invalid, truncated, size = [], [], [], 0
    if lines:
        yield LineBatch(first, b"\n".join(lines), invalid, truncated)


def open_stream(path: Path, raw_fh):
    return gzip.GzipFile(fileobj=raw_fh, mode="rb") if path.name.endswith(".gz") else raw_fh


def read_log_file(path: Path, on_batch: Callable[[LineBatch], None]) -> FileVersion:
    """Hand every batch of the file's lines to `on_batch`; return the version read (its
    fingerprint: the hash of exactly the bytes read). A file that cannot be read whole raises
    RawFileError naming it."""
    if path.name.endswith(".gz") and path.exists() and path.stat().st_size == 0:
        raise RawFileError(f"cannot read {path}: empty file (0 bytes), not a gzip file")

    def consume(reader) -> None:
        for batch in line_batches(open_stream(path, reader)):
            on_batch(batch)

    return fingerprint(path, consume)


def read_lines(path: Path) -> tuple[str, list[int]]:
    """The file's text and the 1-based numbers of its lines that are not valid UTF-8 (the
    ledger's files: plain, small)."""
    texts: list[str] = []
    invalid: list[int] = []
    with open(path, "rb") as fh:
        for batch in line_batches(fh):
            texts.append(batch.text.removesuffix("\n"))  # batches end a line, or not
            invalid += [batch.first_line + position - 1 for position in batch.invalid]
    return "\n".join(texts), invalid
