"""Fuzz target for diagnose() and the line parser, run with atheris (libFuzzer for Python).

Each input is read as the bytes of a log file. The target fails when any of
these raise, or when a check fails:

- ``prodrescue.diagnose`` on the bytes as one blob;
- the line parser (``LineParser.parse``) on every line, and the event stream
  with the dictionaries that ``prodrescue parse --format json`` prints;
- the line count of the diagnosis, which must equal the number of physical
  lines (ended by LF, CRLF or a lone CR);
- on a quarter of the inputs, a second diagnosis, whose JSON must equal the
  first, and a diagnosis of the same bytes split into a list of lines. A
  checksum of the bytes chooses the inputs, so an input is always checked
  the same way.

The file name does not start with ``test_``, so pytest does not collect it.
tests/fuzz/README.md describes how to install atheris and run the fuzzer.
"""

from __future__ import annotations

import json
import re
import sys
import zlib
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["prodrescue"]):
    import prodrescue
    from prodrescue.cli.parse_command import event_to_dict
    from prodrescue.ingest import SourceCounter, iter_events
    from prodrescue.ingest.lines import LineParser
    from prodrescue.ingest.reading import decode_line
    from prodrescue.report import to_json

# A fixed year, so that the same input always gives the same diagnosis.
_YEAR = 2024
# Each diagnosis costs a fixed few milliseconds (the rule engine is built per
# call), so the extra diagnoses run on one input in this many.
_REPEAT_EVERY = 4
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# The built-in rules, loaded once: loading them per input would dominate the run time.
_RULES = prodrescue.load_rules()

# Seed inputs for an empty corpus: a short example of each format that the parser recognises.
SEEDS = (
    b'{"ts":"2024-03-12T03:47:06.512Z","level":"error","msg":"HikariPool-1 - Connection is not available, '
    b'request timed out after 30000ms.","pool":{"active":10}}\n',
    b'time=2024-03-12T03:47:06Z level=error msg="dial tcp 10.0.4.7:5432: connect: connection refused"\n',
    b"<3>Mar 12 03:47:06 web-3 kernel: Out of memory: Killed process 4321 (java) total-vm:8123456kB\n",
    b"2024-03-12 03:47:06.512 ERROR 1 --- [nio-8080-exec-9] c.e.o.OrderService : Servlet failed\n"
    b"java.lang.OutOfMemoryError: Java heap space\n\tat com.example.A.b(A.java:12)\n\t... 12 more\n",
    b"Traceback (most recent call last):\n"
    b'  File "/srv/app.py", line 3, in run\n    step()\n'
    b"psycopg2.errors.DeadlockDetected: deadlock detected\n",
    b'10.0.0.1 - - [12/Mar/2024:03:47:06 +0000] "GET /api/orders HTTP/1.1" 504 167 "-" "curl/8.5.0"\n',
    b"2024-03-12T03:47:06.512345678Z stderr P first part \n2024-03-12T03:47:06.512345678Z stderr F second part\n",
    b'E0312 03:47:06.512345    1234 reflector.go:140] "x509: certificate has expired or is not yet valid"\n',
    b"2024-03-12 10:14:03.117 UTC [8812] ERROR:  deadlock detected\n"
    b"2024-03-12 10:14:03.117 UTC [8812] DETAIL:  Process 1 waits for ShareLock on transaction 2; "
    b"blocked by process 3.\n",
    b"web-1  | \x1b[31mERROR\x1b[0m accept4() failed (24: Too many open files)\r\n\r\n",
    b"9999-12-31T23:59:59-12:00 WARN year 9999\rFeb 30 00:00:00 host app[1]: impossible date\r\n",
)


def physical_line_count(data: bytes) -> int:
    """Count the lines of ``data`` as the file reader splits them: at LF, CRLF and lone CR."""
    if not data:
        return 0
    pieces = _LINE_BREAK.split(data)
    return len(pieces) - 1 if pieces[-1] == b"" else len(pieces)


def parse_lines(data: bytes) -> None:
    """Run the line parser and the event stream over ``data``, as ``prodrescue parse`` does."""
    parser = LineParser("<fuzz>", _YEAR)
    lines = data.splitlines()
    for number, raw in enumerate(lines, 1):
        text, _ = decode_line(raw)
        parser.parse(number, text)
    counter = SourceCounter("<fuzz>")
    for event in iter_events(lines, counter, _YEAR):
        json.dumps(event_to_dict(event), ensure_ascii=False, default=str)
    if counter.lines != len(lines):
        raise AssertionError(f"the event stream counted {counter.lines} lines, expected {len(lines)}")


def TestOneInput(data: bytes) -> None:
    diagnosis = prodrescue.diagnose(data, rules=_RULES, reference_year=_YEAR)
    expected = physical_line_count(data)
    if diagnosis.stats.lines != expected:
        raise AssertionError(f"diagnose() counted {diagnosis.stats.lines} lines, expected {expected}")

    parse_lines(data)

    if zlib.crc32(data) % _REPEAT_EVERY == 0:
        first = to_json(diagnosis)
        second = to_json(prodrescue.diagnose(data, rules=_RULES, reference_year=_YEAR))
        if first != second:
            raise AssertionError(f"two diagnoses of the same input differ: {data[:200]!r}")
        prodrescue.diagnose(data.split(b"\n"), rules=_RULES, reference_year=_YEAR)


def write_seeds(directory: Path) -> None:
    """Write the seed inputs into ``directory`` (created if missing), one file each."""
    directory.mkdir(parents=True, exist_ok=True)
    for index, seed in enumerate(SEEDS):
        (directory / f"seed-{index:02d}").write_bytes(seed)
    print(f"wrote {len(SEEDS)} seed inputs to {directory}")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--write-seeds":
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
