"""The command line's progress bar: drawn on a terminal only, throttled, erased, hidden by --quiet."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from prodrescue.cli import progress as cli_progress
from prodrescue.cli.main import main
from prodrescue.cli.progress import ProgressBar, format_progress, progress_bar, typed_on_terminal
from prodrescue.progress import ProgressInfo

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "payment-incident"
API_LOG = EXAMPLE / "payments-api.log"
REDIS_LOG = EXAMPLE / "redis.log"
HALF = ProgressInfo(lines=4096, bytes_read=512 * 1024, total_bytes=1024 * 1024, elapsed=2.0)
UNSIZED = ProgressInfo(lines=4096, bytes_read=2048, total_bytes=None, elapsed=2.0)


class Terminal:
    """A pseudo-terminal whose slave end is the process's stderr, read in the background.

    Reading all the time keeps a write to a full terminal buffer from blocking the test.
    """

    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        self.stream: TextIO = open(slave, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._received: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:  # the slave end was closed
                return
            if not data:
                return
            self._received.append(data)

    def drawn(self) -> str:
        """Return everything written to the terminal so far."""
        self.stream.flush()
        count = -1
        while count != len(self._received):  # wait until nothing more arrives
            count = len(self._received)
            time.sleep(0.1)
        return b"".join(self._received).decode("utf-8")

    def run(self, argv: list[str], stdout: bool = False) -> int:
        """Run the command line with this terminal as stderr, and as stdout too when ``stdout`` is set.

        pytest sets ``sys.stderr`` again when a test starts, so the swap
        happens here and not in the fixture.
        """
        saved = sys.stdout, sys.stderr
        sys.stderr = self.stream
        if stdout:
            sys.stdout = self.stream
        try:
            return main(argv)
        finally:
            sys.stdout, sys.stderr = saved

    def close(self) -> None:
        self.stream.close()
        self._reader.join(timeout=5)
        os.close(self.master)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    """Open a pseudo-terminal, and let the bar appear at once instead of after a second."""
    opened = Terminal()
    monkeypatch.setattr(cli_progress, "DELAY_SECONDS", 0.0)
    monkeypatch.setenv("COLUMNS", "100")
    yield opened
    opened.close()


def test_format_shows_bar_and_percent() -> None:
    text = format_progress(HALF)
    assert text.startswith("[##########----------]  50%")
    assert "4,096 lines" in text
    assert "2,048 lines/s" in text
    assert "512.0 KiB of 1.0 MiB" in text


def test_format_without_total() -> None:
    text = format_progress(UNSIZED)
    assert text.startswith("reading  4,096 lines")
    assert "%" not in text
    assert text.endswith("2.0 KiB")


def test_bar_waits_for_delay() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=3600.0)
    bar(HALF)
    bar.clear()
    assert out.getvalue() == ""


def test_bar_redraw_is_throttled() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0.0, interval=3600.0)
    bar(HALF)
    bar(UNSIZED)
    assert out.getvalue().count("\r") == 1
    assert "50%" in out.getvalue()


def test_bar_clear_erases_line() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0.0, interval=0.0)
    bar(HALF)
    width = len(out.getvalue()) - 1
    bar.clear()
    assert out.getvalue().endswith("\r" + " " * width + "\r")


def test_bar_shorter_line_overwrites_longer() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, delay=0.0, interval=0.0)
    bar(HALF)
    first = len(out.getvalue()) - 1
    bar(UNSIZED)
    second = out.getvalue()[first + 1 :]
    assert len(second) == first + 1


def test_no_bar_when_not_terminal() -> None:
    with progress_bar(io.StringIO(), quiet=False) as bar:
        assert bar is None


def test_no_bar_when_quiet(terminal: Terminal) -> None:
    with progress_bar(terminal.stream, quiet=True) as bar:
        assert bar is None


def test_log_record_erases_bar_first(terminal: Terminal) -> None:
    logger = logging.getLogger("prodrescue")
    handler = logging.StreamHandler(terminal.stream)
    logger.addHandler(handler)
    try:
        with progress_bar(terminal.stream, quiet=False) as bar:
            assert bar is not None
            bar(HALF)
            logging.getLogger("prodrescue.test").warning("input skipped")
    finally:
        logger.removeHandler(handler)
    drawn = terminal.drawn()
    bar_end = drawn.index("50%")
    erase = drawn.index("\r" + " " * 20, bar_end)
    assert erase < drawn.index("input skipped")


def test_diagnose_draws_and_clears(terminal: Terminal, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal.run(["diagnose", str(API_LOG), "--year", "2024"]) == 0
    drawn = terminal.drawn()
    assert "\r[" in drawn
    assert "4,096 lines" in drawn
    assert drawn.endswith(" \r")
    assert "#1 [" in capsys.readouterr().out


def test_diagnose_clear_leaves_blank_line(terminal: Terminal) -> None:
    assert terminal.run(["diagnose", str(API_LOG), "--year", "2024", "--format", "json"]) == 0
    last = terminal.drawn().split("\r")[-2]
    assert last.strip() == ""


def test_diagnose_quiet_draws_nothing(terminal: Terminal) -> None:
    assert terminal.run(["diagnose", "--quiet", str(API_LOG), "--year", "2024"]) == 0
    assert terminal.drawn() == ""


def test_diagnose_short_quiet_flag(terminal: Terminal) -> None:
    assert terminal.run(["diagnose", "-q", str(API_LOG), "--year", "2024"]) == 0
    assert terminal.drawn() == ""


def test_diagnose_draws_nothing_without_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_progress, "DELAY_SECONDS", 0.0)
    assert main(["diagnose", str(API_LOG), "--year", "2024"]) == 0
    assert capsys.readouterr().err == ""


def test_quiet_keeps_report(terminal: Terminal, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal.run(["diagnose", str(API_LOG), "--year", "2024", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert terminal.run(["diagnose", "-q", str(API_LOG), "--year", "2024", "--format", "json"]) == 0
    quiet = json.loads(capsys.readouterr().out)
    assert quiet == shown


def test_templates_draws_and_clears(terminal: Terminal, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal.run(["templates", str(API_LOG), "--year", "2024"]) == 0
    drawn = terminal.drawn()
    assert "\r[" in drawn
    assert drawn.split("\r")[-2].strip() == ""
    assert "templates from" in capsys.readouterr().out


def test_parse_draws_when_output_redirected(terminal: Terminal, capsys: pytest.CaptureFixture[str]) -> None:
    assert terminal.run(["parse", str(API_LOG), "--year", "2024", "--format", "json"]) == 0
    drawn = terminal.drawn()
    assert "\r[" in drawn
    assert drawn.split("\r")[-2].strip() == ""
    assert len(capsys.readouterr().out.splitlines()) > 4096


def test_parse_no_bar_when_output_on_terminal(terminal: Terminal) -> None:
    assert terminal.run(["parse", str(REDIS_LOG), "--year", "2024"], stdout=True) == 0
    drawn = terminal.drawn()
    assert "redis.log:1" in drawn
    assert "\r[" not in drawn


def test_typed_input_detected(terminal: Terminal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", terminal.stream)
    assert typed_on_terminal(["-"])
    assert not typed_on_terminal([str(API_LOG)])


def test_piped_input_not_typed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a line\n"))
    assert not typed_on_terminal(["-"])
