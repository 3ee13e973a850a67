"""The Loghub corpus: the 16 raw Loghub-2k files, repeated and interleaved, with new numbers per copy.

The 16 raw ``<S>/<S>_2k.log`` files are repeated without end, in blocks of 50
to 500 lines per system, as a dump of several sources would interleave them.
Copy 0 of each file is the file as it is. Every later copy changes the
numbers and keeps the rest:

- each header timestamp moves forward by whole days, enough to follow the
  previous copy, so that time keeps increasing within each system (formats
  without a year wrap at the end of the year, as syslog does);
- each other run of decimal digits gets a per-copy offset added, modulo its
  length, so "node-246" becomes "node-731";
- each hex id (``0x`` and a hex number, or 4 or more hex digits with at least
  one digit and one letter) shifts its digits and its letters a-f.

Digits glued to letters ("eth1", "u0", "R02-M1") are names, and digits after
a backslash are escapes ("\\042"), so both stay. The same seed gives the same
lines in the same order, whatever the number of lines taken.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

DEFAULT_LOGHUB = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "loghub-2k"
DEFAULT_SEED = 20240312
_EPOCH = datetime(1970, 1, 1)
# Year given to timestamps without one when they are parsed. It is a leap year, so that 29 Feb parses.
_YEARLESS_BASE = 2004
_BLOCK_LINES = (50, 500)

# Per system: a regex matched at the start of a line, and one format for each
# of its groups. Formats are strftime codes, plus "%e" (day padded with a
# space), "%-d", "%-H", "%-M" and "%-S" (without padding), "%f" (fraction, as
# many digits as the original) and "@" (Unix seconds).
_HEADERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Android": (r"(\d\d-\d\d \d\d:\d\d:\d\d\.\d+)", ("%m-%d %H:%M:%S.%f",)),
    "Apache": (r"\[(\w{3} \w{3} \d\d \d\d:\d\d:\d\d \d{4})\]", ("%a %b %d %H:%M:%S %Y",)),
    "BGL": (
        r"\S+ (\d{10}) (\d{4}\.\d\d\.\d\d) \S+ (\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d\.\d+)",
        ("@", "%Y.%m.%d", "%Y-%m-%d-%H.%M.%S.%f"),
    ),
    "HDFS": (r"(\d{6} \d{6})", ("%y%m%d %H%M%S",)),
    "HPC": (r"\S+ \S+ \S+ \S+ (\d{10})", ("@",)),
    "Hadoop": (r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+)", ("%Y-%m-%d %H:%M:%S,%f",)),
    "HealthApp": (r"(\d{8}-\d{1,2}:\d{1,2}:\d{1,2}:\d+)", ("%Y%m%d-%-H:%-M:%-S:%f",)),
    "Linux": (r"(\w{3} [ \d]\d \d\d:\d\d:\d\d)", ("%b %e %H:%M:%S",)),
    "Mac": (r"(\w{3} [ \d]\d \d\d:\d\d:\d\d)", ("%b %e %H:%M:%S",)),
    "OpenSSH": (r"(\w{3} [ \d]\d \d\d:\d\d:\d\d)", ("%b %e %H:%M:%S",)),
    "OpenStack": (
        r"\S+?\.(\d{4}-\d\d-\d\d_\d\d:\d\d:\d\d) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)",
        ("%Y-%m-%d_%H:%M:%S", "%Y-%m-%d %H:%M:%S.%f"),
    ),
    "Proxifier": (r"\[(\d\d\.\d\d \d\d:\d\d:\d\d)\]", ("%m.%d %H:%M:%S",)),
    "Spark": (r"(\d\d/\d\d/\d\d \d\d:\d\d:\d\d)", ("%y/%m/%d %H:%M:%S",)),
    "Thunderbird": (
        r"\S+ (\d{10}) (\d{4}\.\d\d\.\d\d) \S+ (\w{3} +\d+ \d\d:\d\d:\d\d)",
        ("@", "%Y.%m.%d", "%b %-d %H:%M:%S"),
    ),
    "Windows": (r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", ("%Y-%m-%d %H:%M:%S",)),
    "Zookeeper": (r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+)", ("%Y-%m-%d %H:%M:%S,%f",)),
}
_HEX = "[0-9A-Fa-f]"
_NUMBER = re.compile(
    rf"(?<![A-Za-z0-9])0[xX](?P<prefixed>{_HEX}+)(?![A-Za-z0-9])"
    rf"|(?<![A-Za-z0-9])(?P<hex>(?={_HEX}*[A-Fa-f])(?={_HEX}*[0-9]){_HEX}{{4,}})(?![A-Za-z0-9])"
    r"|(?<![A-Za-z0-9\\])(?P<digits>[0-9]+)(?![A-Za-z0-9])"
)


@dataclass(frozen=True, slots=True)
class _Stamp:
    """A parsed header timestamp, with what is needed to write it back in its format."""

    value: datetime
    format: str
    fraction_digits: int


# A line split into literal text and the slots that change per copy: a _Stamp,
# ("digits", text) or ("hex", text).
_Piece = str | _Stamp | tuple[str, str]


def parse_stamp(text: str, stamp_format: str) -> _Stamp:
    """Parse a header timestamp written in ``stamp_format``."""
    if stamp_format == "@":
        return _Stamp(_EPOCH + timedelta(seconds=int(text)), "@", 0)
    fraction_digits = len(text) - len(text.rstrip("0123456789")) if "%f" in stamp_format else 0
    parse_format = stamp_format.replace("%e", "%d").replace("%-", "%")
    if "%Y" not in parse_format and "%y" not in parse_format:
        text, parse_format = f"{_YEARLESS_BASE} {text}", f"%Y {parse_format}"
    return _Stamp(datetime.strptime(text, parse_format), stamp_format, fraction_digits)


def format_stamp(stamp: _Stamp, shift: timedelta) -> str:
    """Write ``stamp`` moved by ``shift`` in its original format."""
    value = stamp.value + shift
    if stamp.format == "@":
        return str(int((value - _EPOCH).total_seconds()))
    text = stamp.format.replace("%e", f"{value.day:2d}")
    for code, number in (
        ("%-d", value.day),
        ("%-H", value.hour),
        ("%-M", value.minute),
        ("%-S", value.second),
    ):
        text = text.replace(code, str(number))
    text = text.replace("%f", f"{value.microsecond:06d}"[: stamp.fraction_digits])
    return value.strftime(text)


def split_line(line: str, header: re.Pattern[str], formats: tuple[str, ...]) -> list[_Piece]:
    """Split ``line`` into literal text and the timestamps, numbers and hex ids that change per copy."""
    pieces: list[_Piece] = []
    spans: list[tuple[int, int, _Stamp]] = []
    match = header.match(line)
    if match:
        for group, stamp_format in enumerate(formats, start=1):
            spans.append((match.start(group), match.end(group), parse_stamp(match[group], stamp_format)))
    spans.append((len(line), len(line), _Stamp(_EPOCH, "", 0)))  # end marker
    position = 0
    for start, end, stamp in spans:
        for number in _NUMBER.finditer(line, position, start):
            pieces.append(line[position : number.start()])
            kind = number.lastgroup or "digits"
            if kind == "prefixed":
                pieces.append(line[number.start() : number.start() + 2])  # the "0x"
            pieces.append(("digits" if kind == "digits" else "hex", number[kind]))
            position = number.end()
        pieces.append(line[position:start])
        if stamp.format:
            pieces.append(stamp)
        position = end
    return [piece for piece in pieces if piece != ""]


@dataclass
class LoghubSystem:
    """One Loghub system: its lines split into pieces, and how far apart its copies start."""

    name: str
    lines: list[list[_Piece]]
    copy_shift: timedelta
    unmatched: int


def load_system(folder: Path, name: str) -> LoghubSystem:
    """Read ``folder/name/name_2k.log`` and split its lines; raise ValueError for an unknown system."""
    if name not in _HEADERS:
        raise ValueError(f"no timestamp format is known for Loghub system {name!r}")
    pattern, formats = _HEADERS[name]
    header = re.compile(pattern)
    data = (folder / name / f"{name}_2k.log").read_bytes().decode("utf-8", "surrogateescape")
    texts = [line.rstrip("\r") for line in data.split("\n")]
    if texts and texts[-1] == "":
        texts.pop()
    lines = [split_line(text, header, formats) for text in texts]
    stamps = [piece.value for line in lines for piece in line if isinstance(piece, _Stamp)]
    span = (max(stamps) - min(stamps)).total_seconds() if stamps else 0.0
    days = int(span // 86_400) + 1  # whole days, so that date-only fields move with the times
    unmatched = sum(1 for text in texts if not header.match(text))
    return LoghubSystem(name, lines, timedelta(days=days), unmatched)


def render_copy(
    pieces: list[_Piece], copy: int, offset: int, hex_table: dict[int, int], shift: timedelta
) -> str:
    """Write one line of copy ``copy``: numbers plus ``offset``, hex ids translated, stamps moved."""
    parts: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.append(piece)
        elif isinstance(piece, _Stamp):
            parts.append(format_stamp(piece, shift))
        elif copy == 0:
            parts.append(piece[1])  # copy 0 is the original file
        elif piece[0] == "hex":
            parts.append(piece[1].translate(hex_table))
        else:
            digits = piece[1]
            parts.append(str((int(digits) + offset) % 10 ** len(digits)).zfill(len(digits)))
    return "".join(parts)


def hex_translation(offset: int) -> dict[int, int]:
    """Return a table that shifts decimal digits by ``offset`` mod 10 and letters a-f by a non-zero step."""
    digit_step = offset % 10
    letter_step = 1 + (offset // 10) % 5
    table = {ord(str(d)): ord(str((d + digit_step) % 10)) for d in range(10)}
    for letters in ("abcdef", "ABCDEF"):
        for index, letter in enumerate(letters):
            table[ord(letter)] = ord(letters[(index + letter_step) % 6])
    return table


def load_systems(folder: Path) -> list[LoghubSystem]:
    """Read every ``<S>/<S>_2k.log`` file under ``folder``, sorted by system name."""
    names = sorted(path.name for path in folder.iterdir() if (path / f"{path.name}_2k.log").is_file())
    if not names:
        raise FileNotFoundError(f"no <S>/<S>_2k.log files in {folder}")
    return [load_system(folder, name) for name in names]


def copy_offset(seed: int, system: str, copy: int) -> int:
    """Return the number offset of one copy of one system: random, but never a multiple of 10.

    An offset that is not a multiple of 10 changes every digit run and every hex id.
    """
    offset = random.Random(f"{seed}:{system}:{copy}").randrange(1, 10**12)
    return offset + 1 if offset % 10 == 0 else offset


def iter_loghub_lines(systems: list[LoghubSystem], seed: int = DEFAULT_SEED) -> Iterator[tuple[str, int]]:
    """Yield ``(line, copy)`` pairs of the endless interleaved corpus of ``systems``."""
    systems = systems[:]
    rng = random.Random(seed)
    positions = {system.name: 0 for system in systems}
    copies = {system.name: 0 for system in systems}
    offsets = {system.name: (0, hex_translation(0)) for system in systems}
    while True:
        rng.shuffle(systems)
        for system in systems:
            name = system.name
            for _ in range(rng.randint(*_BLOCK_LINES)):
                copy = copies[name]
                offset, table = offsets[name]
                pieces = system.lines[positions[name]]
                yield render_copy(pieces, copy, offset, table, system.copy_shift * copy), copy
                positions[name] += 1
                if positions[name] == len(system.lines):
                    positions[name] = 0
                    copies[name] += 1
                    offset = copy_offset(seed, name, copies[name])
                    offsets[name] = (offset, hex_translation(offset))
