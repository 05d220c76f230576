"""core/log_lines.py: whole chunks decoded at once give exactly the rows of the line-by-line
rules (SPEC §2: line numbers, trailing CR, invalid UTF-8, lines over the limit), whatever
the chunk and batch boundaries. The reference below applies the rules to one line at a time,
from the whole file's bytes."""

import io
import random

import pytest

from dagster_project.core import log_lines

MAX = 40  # a small MAX_LINE_BYTES, so chunk, batch and line limits cross often


def reference_rows(data: bytes) -> list[tuple[int, str, bool, bool]]:
    """(line number, text, valid UTF-8, cut) of each non-empty physical line."""
    physical = data.split(b"\n")
    if physical and physical[-1] == b"":
        physical.pop()  # the newline ends the last line; no line after it
    rows = []
    for number, line in enumerate(physical, start=1):
        long_line = len(line) >= MAX + 2
        if line.endswith(b"\r") and not long_line:
            line = line[:-1]
        cut = long_line or len(line) > MAX
        if cut:  # not ending inside a UTF-8 sequence: never before a continuation byte
            end = MAX
            while end > MAX - 3 and (line[end] & 0xC0) == 0x80:
                end -= 1
            line = line[:end]
        try:
            text, valid = line.decode("utf-8"), True
        except UnicodeDecodeError:
            text, valid = line.decode("utf-8", errors="replace"), False
        if text:
            rows.append((number, text, valid, cut))
    return rows


def batch_rows(data: bytes) -> list[tuple[int, str, bool, bool]]:
    rows = []
    for batch in log_lines.line_batches(io.BytesIO(data)):
        bad, cut = set(batch.invalid), set(batch.truncated)
        for position, text in enumerate(batch.text.split("\n"), start=1):
            if text:
                number = batch.first_line + position - 1
                rows.append((number, text, position not in bad, position in cut))
    return rows


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(log_lines, "MAX_LINE_BYTES", MAX)
    monkeypatch.setattr(log_lines, "_CHUNK", 64)
    monkeypatch.setattr(log_lines, "_BATCH", 150)


PIECES = [
    b'{"a":"x"}',
    b'{"b":"caf\xc3\xa9"}',  # valid multi-byte
    b"caf\xe9",  # latin-1: not UTF-8
    b"\xff\xfe",
    b"cut\xe2\x82",  # a character cut short by the line's end
    b"\xef\xbf\xbd kept",  # U+FFFD itself, valid UTF-8: not a bad line
    b"",  # a blank line
    b"   ",
    b"\r",
    b"tail\r",
    b"two\r\r",
    b"x" * (MAX - 1),
    b"y" * MAX,
    b"z" * (MAX + 1),
    b"w" * (MAX + 1) + b"\r",
    b"long" * 30,
    b"\xc3\xa9" * 30,  # long, cut before a whole character
    b"mid\rdle",
]


def test_hand_made_file_gives_the_rules_rows(small_limits):
    data = b"\n".join([b'{"a":1}', b"", b"caf\xe9", b"end\r", b"q" * 100, b"after"]) + b"\n"
    rows = batch_rows(data)
    assert rows == [
        (1, '{"a":1}', True, False),
        (3, "caf\ufffd", False, False),
        (4, "end", True, False),
        (5, "q" * MAX, True, True),
        (6, "after", True, False),
    ]
    assert rows == reference_rows(data)


@pytest.mark.parametrize(
    "pieces, most_lines",
    [
        (PIECES, 40),
        # no line over the limit: every chunk is decoded whole (no line-by-line fallback), so
        # the line numbers come from counting the chunks' newlines, across chunks and batches
        ([piece for piece in PIECES if len(piece) <= MAX], 60),
    ],
    ids=["any lines", "short lines"],
)
def test_random_files_give_the_rules_rows(small_limits, pieces, most_lines):
    for seed in range(300):
        rng = random.Random(seed)
        lines = [rng.choice(pieces) for _ in range(rng.randint(0, most_lines))]
        data = b"\n".join(lines) + rng.choice([b"", b"\n", b"\r\n", b"\r"])
        assert batch_rows(data) == reference_rows(data), f"seed {seed}: {data!r}"


def test_ordinary_files_take_whole_chunks(small_limits):
    """No line over the limit: one batch per ~_BATCH bytes, lines numbered across batches."""
    data = b"".join(b'{"n":%d}\n' % i for i in range(100))
    batches = list(log_lines.line_batches(io.BytesIO(data)))
    assert len(batches) == 5  # 890 bytes read 64 at a time, a batch closed at 150 or more
    assert all(len(b.text) >= 150 and b.text.endswith("\n") for b in batches[:-1])
    assert batch_rows(data) == [(i + 1, f'{{"n":{i}}}', True, False) for i in range(100)]
