"""Property tests of diagnose() on arbitrary and generated log input.

The strategies produce raw bytes, unusual text, very long lines, mixed line
endings and terminal colour codes. They also produce mixes of realistic log
formats (JSON, logfmt, syslog, Java and Python stack traces, access logs, CRI,
klog, PostgreSQL), with odd timestamps and with lines that fire built-in
rules. Every diagnosis is checked for the same invariants. It is produced
without an exception and serialises to strict JSON with the documented
layout. Every line number in it points to a line of its source. The same
input diagnosed twice gives the same JSON.

The number of examples comes from the Hypothesis profile in conftest.py.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import prodrescue
from prodrescue.model import Diagnosis
from prodrescue.report import to_json

YEAR = 2024
# The first characters of an evidence line that are compared with the input line.
# Evidence text is cut at 8,000 characters, so this prefix is always kept whole.
_COMPARED_CHARS = 200
# Lines are cut to this many characters before analysis.
_MAX_LINE_CHARS = 64 * 1024
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
CRI_START = re.compile(rb"\d{4}-\S+ (?:stdout|stderr) [PF]")
COMPRESSED_MAGICS = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd")

# A physical line as bytes or text, the way diagnose() accepts it.
Line = bytes | str


# Oracles ------------------------------------------------------------------


def physical_lines(blob: bytes) -> list[bytes]:
    """Split a blob at LF, CRLF and lone CR, the line endings that the file reader accepts."""
    if not blob:
        return []
    pieces = _LINE_BREAK.split(blob)
    if pieces[-1] == b"":  # the blob ends with a line ending
        pieces.pop()
    return pieces


def shown_text(line: Line) -> str:
    """Return the text that evidence quotes for an input line without redaction: decoded, NULs removed, capped."""
    text = line.decode("utf-8", errors="replace") if isinstance(line, bytes) else line
    if text.endswith("\n"):
        text = text[:-1]
    if text.endswith("\r"):
        text = text[:-1]
    return text[:_MAX_LINE_CHARS].replace("\x00", "")


def reject_constant(name: str) -> float:
    raise ValueError(f"the JSON contains {name}, which strict JSON does not allow")


def diagnose_bytes(blob: bytes) -> Diagnosis:
    return prodrescue.diagnose(blob, reference_year=YEAR)


def diagnose_as_read(lines: bytes | Sequence[Line] | None = None, paths: Sequence[Path] = ()) -> Diagnosis:
    """Diagnose with the quoted log text left as read: no redaction, colour codes kept."""
    return prodrescue.diagnose(lines, paths=paths, reference_year=YEAR, redact=False, keep_ansi=True)


def as_log_file(blob: bytes) -> bytes:
    """Return the blob changed so that the file reader accepts it as a text log.

    NUL bytes and other control characters at the start mark a file as
    binary, and the first bytes of gzip, bzip2, xz or zstd mark it as
    compressed, so all of them are avoided.
    """
    text = blob.translate(_CONTROLS_TO_QUESTION_MARKS)
    return b"#" + text if text.startswith(COMPRESSED_MAGICS) else text


_CONTROLS_TO_QUESTION_MARKS = bytes(
    byte if byte >= 32 or byte in b"\t\n\v\f\r\x1b" else ord("?") for byte in range(256)
)


# Invariant checks ----------------------------------------------------------


def check_location(sources: dict[str, Sequence[Line]], source: str, line: int, last_line: int) -> None:
    assert source in sources
    assert line >= 1
    assert line <= last_line
    assert last_line <= len(sources[source])


def check_evidence(sources: dict[str, Sequence[Line]], item: dict[str, Any], quoted_as_read: bool) -> None:
    check_location(sources, item["source"], item["line"], item["last_line"])
    if quoted_as_read:
        expected = shown_text(sources[item["source"]][item["line"] - 1])[:_COMPARED_CHARS]
        assert item["text"].startswith(expected)


def check_layout(data: dict[str, Any]) -> None:
    """Check the layout that report/jsonout.py documents as the public interface."""
    assert data["schema_version"] == prodrescue.SCHEMA_VERSION
    ranks = [cause["rank"] for cause in data["causes"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for cause in data["causes"]:
        assert isinstance(cause["category"], str)
        assert cause["category"]
        assert cause["rule_id"] is None or isinstance(cause["rule_id"], str)
        assert 0.0 <= cause["score"] <= 1.0
        assert isinstance(cause["evidence"], list)


def check_diagnosis(
    diagnosis: Diagnosis, sources: dict[str, Sequence[Line]], quoted_as_read: bool = False
) -> None:
    """Check the invariants of a diagnosis of ``sources`` (source name to its physical lines).

    With ``quoted_as_read``, the diagnosis was made with ``redact=False`` and
    ``keep_ansi=True``, so each evidence text must start with the line it names.
    """
    assert diagnosis.stats.lines == sum(len(lines) for lines in sources.values())
    counted = {item.name: item.lines for item in diagnosis.stats.sources}
    assert counted == {name: len(lines) for name, lines in sources.items()}

    data = json.loads(to_json(diagnosis), parse_constant=reject_constant)
    check_layout(data)
    for cause in data["causes"]:
        source, line = cause["onset"]
        check_location(sources, source, line, line)
        for item in cause["evidence"]:
            check_evidence(sources, item, quoted_as_read)
        if cause["preceding_change"] is not None:
            check_evidence(sources, cause["preceding_change"], quoted_as_read)
    for entry in data["timeline"]:
        check_location(sources, entry["source"], entry["line"], entry["line"])


def check_repeatable(lines: bytes | Sequence[Line]) -> Diagnosis:
    """Diagnose ``lines`` twice and check that both give the same JSON."""
    first = prodrescue.diagnose(lines, reference_year=YEAR)
    second = prodrescue.diagnose(lines, reference_year=YEAR)
    assert to_json(first) == to_json(second)
    return first


def cause_locations(diagnosis: Diagnosis) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Return each cause id with its evidence lines and texts, leaving out source names."""
    return [
        (cause.id, [(item.line, item.last_line, item.text) for item in cause.evidence])
        for cause in diagnosis.causes
    ]


# Raw input strategies ------------------------------------------------------

# Characters that are rare in tests but appear in real logs: controls, NUL,
# DEL, C1 controls, Unicode line and paragraph separators, BOM, replacement
# character, combining marks, right-to-left text, emoji and private use.
UNUSUAL_CHARACTERS = (
    "\x00\x01\x07\x08\t\x0b\x0c\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x9b\xa0"
    "\u00ad\u0301\u05d0\u200b\u200d\u2028\u2029\u202e\ufeff\ufffd\U0001f525\U000f0000"
)
unusual_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(UNUSUAL_CHARACTERS)),
    max_size=120,
)
line_endings = st.sampled_from([b"\n", b"\r\n", b"\r"])
ansi_codes = st.sampled_from(["\x1b[31m", "\x1b[1;31m", "\x1b[0m", "\x1b[38;5;196m", "\x1b[K", "\x1b[2J"])


# Realistic line strategies -------------------------------------------------

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
ZONES = ("Z", "+00:00", "-12:00", "+14:00", "+05:45", "-0330", " UTC", " PST", " CEST", "", "+99:99")
LEVELS = (
    "TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL",
    "SEVERE", "PANIC", "error", "Error", "warn", "E", "emerg",
)  # fmt: skip
WORDS = (
    "request", "user", "order", "payment", "cache", "worker", "started", "finished", "failed",
    "retrying", "connection", "timeout", "queue", "shard", "replica", "handler", "id", "ms",
)  # fmt: skip
# Messages that fire a built-in rule on their own, in any of the formats below.
TRIGGERS = (
    "HikariPool-1 - Connection is not available, request timed out after 30000ms.",
    "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00",
    "ERROR:  deadlock detected",
    "Deadlock found when trying to get lock; try restarting transaction",
    "Out of memory: Killed process 4321 (java) total-vm:8123456kB, anon-rss:3900000kB, file-rss:0kB",
    "Memory cgroup out of memory: Killed process 1234 (python3) total-vm:812345kB, anon-rss:390000kB",
    "java.lang.OutOfMemoryError: Java heap space",
    "OOMKilled",
    "dial tcp 10.0.4.7:5432: connect: connection refused",
    'could not write to file "pg_wal/xlogtemp.4321": No space left on device',
    "FATAL:  sorry, too many clients already",
    "accept4() failed (24: Too many open files)",
    "upstream timed out (110: Connection timed out) while reading response header from upstream",
    "x509: certificate has expired or is not yet valid",
)


@st.composite
def date_parts(draw: st.DrawFn) -> dict[str, int]:
    """Draw the fields of a timestamp, including impossible ones (30 February, hour 24, year 1 and 9999)."""
    return {
        "year": draw(st.one_of(st.sampled_from([1, 1970, 2023, 2024, 9999]), st.integers(1, 9999))),
        "month": draw(st.integers(0, 13)),
        "day": draw(st.integers(0, 32)),
        "hour": draw(st.integers(0, 24)),
        "minute": draw(st.integers(0, 60)),
        "second": draw(st.integers(0, 61)),
        "micro": draw(st.integers(0, 999_999)),
    }


@st.composite
def timestamps(draw: st.DrawFn, style: str) -> str:
    """Draw a timestamp in one of the styles that log headers use."""
    parts = draw(date_parts())
    zone = draw(st.sampled_from(ZONES))
    date = f"{parts['year']:04d}-{parts['month']:02d}-{parts['day']:02d}"
    clock = f"{parts['hour']:02d}:{parts['minute']:02d}:{parts['second']:02d}"
    millis = f"{parts['micro'] // 1000:03d}"
    month = MONTH_NAMES[(parts["month"] - 1) % 12]
    if style == "iso":
        return f"{date}T{clock}.{millis}{zone.strip()}"
    if style == "space":
        return f"{date} {clock},{millis}"
    if style == "postgres":
        return f"{date} {clock}.{millis}{zone if zone.startswith(' ') else ' UTC'}"
    if style == "syslog":
        return f"{month} {parts['day']:2d} {clock}"
    if style == "klog":
        letter = draw(st.sampled_from("IWEF"))
        return f"{letter}{parts['month']:02d}{parts['day']:02d} {clock}.{parts['micro']:06d}"
    if style == "access":
        return f"{parts['day']:02d}/{month}/{parts['year']:04d}:{clock} +0000"
    raise ValueError(f"unknown timestamp style: {style!r}")


@st.composite
def messages(draw: st.DrawFn) -> str:
    """Draw a one-line message: words, free text, or a rule trigger."""
    kind = draw(st.sampled_from(["words", "words", "text", "trigger"]))
    if kind == "words":
        count = draw(st.integers(0, 12))
        return " ".join(draw(st.sampled_from(WORDS)) for _ in range(count))
    if kind == "text":
        return draw(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=80))
    return draw(st.sampled_from(TRIGGERS))


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(TRIGGERS),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
JSON_KEYS = (
    "level",
    "lvl",
    "severity",
    "msg",
    "message",
    "ts",
    "time",
    "@timestamp",
    "log",
    "error",
    "stack",
)


@st.composite
def json_lines(draw: st.DrawFn) -> list[str]:
    record: dict[str, Any] = {}
    if draw(st.booleans()):
        record[draw(st.sampled_from(["ts", "time", "@timestamp", "timestamp"]))] = draw(
            st.one_of(timestamps("iso"), st.floats(allow_nan=True), st.integers(-(2**63), 2**63))
        )
    if draw(st.booleans()):
        record[draw(st.sampled_from(["level", "lvl", "severity"]))] = draw(st.sampled_from(LEVELS))
    record[draw(st.sampled_from(["msg", "message", "log"]))] = draw(
        st.one_of(messages(), st.builds(lambda a, b: f"{a}\n{b}", messages(), messages()))
    )
    extra = draw(
        st.dictionaries(st.one_of(st.sampled_from(JSON_KEYS), st.text(max_size=10)), json_values, max_size=4)
    )
    record.update(extra)
    # json.dumps writes NaN and Infinity as bare words, which Python's parser accepts.
    return [json.dumps(record, ensure_ascii=draw(st.booleans()))]


@st.composite
def docker_json_lines(draw: st.DrawFn) -> list[str]:
    inner = draw(java_lines())[0]
    record = {"log": inner + "\n", "stream": "stderr", "time": draw(timestamps("iso"))}
    return [json.dumps(record)]


@st.composite
def logfmt_lines(draw: st.DrawFn) -> list[str]:
    message = draw(messages()).replace('"', "'")
    pairs = [f"time={draw(timestamps('iso'))}", f"level={draw(st.sampled_from(LEVELS))}", f'msg="{message}"']
    extra = draw(st.lists(st.from_regex(r"[a-z_]{1,8}=[\w.:/-]{0,12}", fullmatch=True), max_size=4))
    order = draw(st.permutations(pairs + extra))
    return [" ".join(order)]


@st.composite
def syslog_lines(draw: st.DrawFn) -> list[str]:
    priority = draw(st.one_of(st.just(""), st.integers(0, 200).map(lambda value: f"<{value}>")))
    program = draw(st.sampled_from(["kernel", "sshd[812]", "systemd[1]", "postgres[4321]", "app"]))
    return [f"{priority}{draw(timestamps('syslog'))} web-3 {program}: {draw(messages())}"]


@st.composite
def java_lines(draw: st.DrawFn) -> list[str]:
    level = draw(st.sampled_from(LEVELS))
    header = f"{draw(timestamps(draw(st.sampled_from(['iso', 'space']))))} {level} 1 --- [nio-8080-exec-{draw(st.integers(1, 9))}] c.e.orders.OrderService : {draw(messages())}"
    frames = [
        f"\tat com.example.orders.Step{index}.run(Step{index}.java:{draw(st.integers(1, 900))})"
        for index in range(draw(st.integers(0, 8)))
    ]
    lines = [header, *frames]
    if draw(st.booleans()):
        lines.append(f"Caused by: java.sql.SQLException: {draw(messages())}")
        lines.append(f"\t... {draw(st.integers(1, 99))} more")
    return lines


@st.composite
def python_traceback_lines(draw: st.DrawFn) -> list[str]:
    lines = []
    if draw(st.booleans()):
        lines.append(f"{draw(timestamps('space'))} ERROR app.worker: task failed")
    lines.append("Traceback (most recent call last):")
    for index in range(draw(st.integers(0, 5))):
        lines.append(f'  File "/srv/app/step{index}.py", line {draw(st.integers(1, 500))}, in run')
        lines.append("    result = step(payload)")
    lines.append(
        f"{draw(st.sampled_from(['ValueError', 'psycopg2.errors.DeadlockDetected', 'KeyError']))}: {draw(messages())}"
    )
    return lines


@st.composite
def access_lines(draw: st.DrawFn) -> list[str]:
    status = draw(st.sampled_from([200, 201, 301, 404, 429, 499, 500, 502, 503, 504]))
    path = draw(st.from_regex(r"/[a-z0-9/_-]{0,20}(\?[a-z]=[0-9]{1,3})?", fullmatch=True))
    return [
        f"10.0.{draw(st.integers(0, 255))}.{draw(st.integers(0, 255))} - - [{draw(timestamps('access'))}] "
        f'"{draw(st.sampled_from(["GET", "POST", "PUT"]))} {path} HTTP/1.1" {status} {draw(st.integers(0, 99999))} "-" "curl/8.5.0"'
    ]


@st.composite
def cri_lines(draw: st.DrawFn) -> list[str]:
    """Draw a CRI line split into partial (P) parts, maybe without its final (F) part."""
    stream = draw(st.sampled_from(["stdout", "stderr"]))
    parts = draw(st.lists(messages(), min_size=1, max_size=4))
    stamp = draw(timestamps("iso"))
    lines = [f"{stamp} {stream} P {part}" for part in parts[:-1]]
    if draw(st.booleans()):
        lines.append(f"{stamp} {stream} F {parts[-1]}")
    return lines


@st.composite
def klog_lines(draw: st.DrawFn) -> list[str]:
    return [
        f"{draw(timestamps('klog'))}    {draw(st.integers(1, 99999))} reflector.go:{draw(st.integers(1, 999))}] {draw(messages())}"
    ]


@st.composite
def postgres_lines(draw: st.DrawFn) -> list[str]:
    level = draw(st.sampled_from(["LOG", "ERROR", "FATAL", "PANIC", "WARNING"]))
    prefix = f"{draw(timestamps('postgres'))} [{draw(st.integers(1, 99999))}]"
    lines = [f"{prefix} {level}:  {draw(messages())}"]
    for field in draw(st.lists(st.sampled_from(["DETAIL", "HINT", "CONTEXT", "STATEMENT"]), max_size=3)):
        lines.append(f"{prefix} {field}:  {draw(messages())}")
    return lines


@st.composite
def garbage_lines(draw: st.DrawFn) -> list[bytes]:
    return [draw(st.binary(max_size=200))]


blank_lines = st.lists(st.sampled_from(["", " ", "\t", "   \t "]), min_size=1, max_size=3)
line_groups = st.one_of(
    json_lines(),
    docker_json_lines(),
    logfmt_lines(),
    syslog_lines(),
    java_lines(),
    python_traceback_lines(),
    access_lines(),
    cri_lines(),
    klog_lines(),
    postgres_lines(),
    garbage_lines(),
    blank_lines,
)


@st.composite
def decorate(draw: st.DrawFn, line: Line) -> bytes:
    """Encode a line, sometimes with a docker compose prefix or colour codes around it."""
    if isinstance(line, bytes):
        return line
    if draw(st.integers(0, 9)) == 0:
        line = f"{draw(ansi_codes)}{line}{draw(ansi_codes)}"
    if draw(st.integers(0, 9)) == 0:
        line = f"{draw(st.sampled_from(['web-1', 'db_1', 'worker-2']))}  | {line}"
    return line.encode("utf-8")


@st.composite
def log_mixes(draw: st.DrawFn) -> list[bytes]:
    """Draw a list of physical lines from randomly chosen log formats."""
    groups = draw(st.lists(line_groups, max_size=25))
    return [draw(decorate(line)) for group in groups for line in group]


@st.composite
def mixes_with_trigger(draw: st.DrawFn) -> list[bytes]:
    """Draw a log mix with one line that fires a built-in rule, in a random format."""
    lines = draw(log_mixes())
    stamp = draw(timestamps(draw(st.sampled_from(["iso", "space", "syslog"]))))
    trigger = draw(st.sampled_from(TRIGGERS))
    line = draw(
        st.sampled_from([f"{stamp} ERROR {trigger}", trigger, json.dumps({"level": "error", "msg": trigger})])
    )
    position = draw(st.integers(0, len(lines)))
    return [*lines[:position], line.encode("utf-8"), *lines[position:]]


def join_lines(lines: Sequence[bytes], endings: Sequence[bytes]) -> bytes:
    """Join lines, each followed by its ending.

    An empty line between a CR ending and an LF ending would turn them into one
    CRLF ending, so such an LF becomes CRLF.
    """
    parts = []
    previous = b""
    for line, drawn in zip(lines, endings, strict=True):
        ending = b"\r\n" if not line and previous == b"\r" and drawn == b"\n" else drawn
        parts.append(line + ending)
        previous = ending
    return b"".join(parts)


# Properties: arbitrary input -------------------------------------------------


@given(lines=st.lists(st.binary(max_size=300), max_size=30))
def test_byte_lines_keep_invariants(lines: list[bytes]) -> None:
    check_diagnosis(check_repeatable(lines), {"<input>": lines})
    check_diagnosis(diagnose_as_read(lines), {"<input>": lines}, quoted_as_read=True)


@given(blob=st.binary(max_size=3000))
@example(blob=b"\r\n\r\r\n\n")
@example(blob=b"2024-03-12T03:47:06Z ERROR deadlock detected\r\x00\xff\xfe\rOOMKilled")
@example(blob=b"9999-08-01 00:00:00 ERROR full date\nJan  1 00:00:00 syslog date without a year")
def test_byte_blob_keeps_invariants(blob: bytes) -> None:
    sources = {"<input>": physical_lines(blob)}
    check_diagnosis(check_repeatable(blob), sources)
    check_diagnosis(diagnose_as_read(blob), sources, quoted_as_read=True)


@given(lines=st.lists(unusual_text, max_size=30))
def test_text_lines_keep_invariants(lines: list[str]) -> None:
    check_diagnosis(diagnose_as_read(lines), {"<input>": lines}, quoted_as_read=True)


@given(text=st.lists(unusual_text, max_size=20).map("\n".join))
@example(text='{"level":"error","msg":"deadlock detected\u2028on orders"}')
@example(text="2024-03-12T03:47:06Z ERROR page one\x0cpage two")
def test_text_blob_matches_bytes(text: str) -> None:
    # One string and its UTF-8 bytes are the same log, so they give the same diagnosis.
    from_text = prodrescue.diagnose(text, reference_year=YEAR)
    from_bytes = prodrescue.diagnose(text.encode("utf-8"), reference_year=YEAR)
    assert from_text.stats.lines == from_bytes.stats.lines
    assert to_json(from_text) == to_json(from_bytes)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], max_examples=40)
@given(
    sizes=st.lists(st.integers(10_000, 100_000), min_size=1, max_size=4),
    unit=st.sampled_from(
        ["x", "ERROR deadlock detected ", "é", "\U0001f525", "a\x00", "\x1b[31m", "password=\\"]
    ),
    before=log_mixes(),
)
def test_long_lines_keep_invariants(sizes: list[int], unit: str, before: list[bytes]) -> None:
    long_lines = [(unit * (size // len(unit) + 1))[:size].encode("utf-8") for size in sizes]
    lines = [*before, *long_lines]
    diagnosis = prodrescue.diagnose(lines, reference_year=YEAR)
    check_diagnosis(diagnosis, {"<input>": lines})
    expected_cut = sum(1 for line in lines if len(line.decode("utf-8", errors="replace")) > _MAX_LINE_CHARS)
    assert diagnosis.stats.sources[0].truncated_lines == expected_cut


@given(lines=log_mixes(), endings=st.data())
def test_line_endings_give_same_diagnosis(lines: list[bytes], endings: st.DataObject) -> None:
    lines = [line for line in lines if b"\r" not in line and b"\n" not in line]
    mixed = endings.draw(st.lists(line_endings, min_size=len(lines), max_size=len(lines)))
    expected = to_json(diagnose_bytes(join_lines(lines, [b"\n"] * len(lines))))
    assert to_json(diagnose_bytes(join_lines(lines, [b"\r\n"] * len(lines)))) == expected
    assert to_json(diagnose_bytes(join_lines(lines, [b"\r"] * len(lines)))) == expected
    assert to_json(diagnose_bytes(join_lines(lines, mixed))) == expected


# Properties: realistic mixes ---------------------------------------------------


@given(lines=log_mixes(), endings=st.data())
def test_log_mix_keeps_invariants(lines: list[bytes], endings: st.DataObject) -> None:
    check_diagnosis(check_repeatable(lines), {"<input>": lines})

    mixed = endings.draw(st.lists(line_endings, min_size=len(lines), max_size=len(lines)))
    blob = join_lines(lines, mixed)
    check_diagnosis(diagnose_as_read(blob), {"<input>": physical_lines(blob)}, quoted_as_read=True)


@given(lines=mixes_with_trigger())
def test_trigger_in_mix_gives_cause(lines: list[bytes]) -> None:
    diagnosis = prodrescue.diagnose(lines, reference_year=YEAR)
    check_diagnosis(diagnosis, {"<input>": lines})
    assert diagnosis.causes


@given(lines=log_mixes(), colours=st.data())
def test_colour_codes_keep_causes(lines: list[bytes], colours: st.DataObject) -> None:
    # Container runtimes write the start of CRI lines themselves, so it carries no colour codes.
    coloured = [
        line
        if not line.strip() or b"\x1b" in line or CRI_START.match(line)
        else colours.draw(ansi_codes).encode() + line + colours.draw(ansi_codes).encode()
        for line in lines
    ]
    plain = prodrescue.diagnose(lines, reference_year=YEAR)
    painted = prodrescue.diagnose(coloured, reference_year=YEAR)
    assert [cause.id for cause in painted.causes] == [cause.id for cause in plain.causes]
    assert [cause.onset for cause in painted.causes] == [cause.onset for cause in plain.causes]


@given(lines=log_mixes(), endings=st.data())
def test_file_matches_blob(lines: list[bytes], endings: st.DataObject) -> None:
    mixed = endings.draw(st.lists(line_endings, min_size=len(lines), max_size=len(lines)))
    blob = as_log_file(join_lines(lines, mixed))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "app.log"
        path.write_bytes(blob)
        from_file = diagnose_as_read(paths=[path])
    from_blob = diagnose_as_read(blob)
    assert from_file.stats.lines == from_blob.stats.lines
    assert cause_locations(from_file) == cause_locations(from_blob)


@given(first=log_mixes(), second=mixes_with_trigger())
def test_two_files_keep_invariants(first: list[bytes], second: list[bytes]) -> None:
    blobs = [as_log_file(b"\n".join(first)), as_log_file(b"\n".join(second))]
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "a.log", Path(folder) / "b.log"]
        for path, blob in zip(paths, blobs, strict=True):
            path.write_bytes(blob)
        diagnosis = diagnose_as_read(paths=paths)
    sources = {str(path): physical_lines(blob) for path, blob in zip(paths, blobs, strict=True)}
    check_diagnosis(diagnosis, sources, quoted_as_read=True)
    assert diagnosis.causes
