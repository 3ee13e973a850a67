"""Header styles read without configuration: message, time, level and named fields.

Each line below is written for this file in the style of a program's log, and
read through the whole ingest path (``iter_events``), as ``prodrescue parse``
reads it. The last test scores the same path on the Loghub-2k sample logs
when the shared data is present.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType

import pytest

from prodrescue.ingest import Event, SourceCounter, iter_events
from prodrescue.ingest.header import HeaderParser
from prodrescue.ingest.timestamps import match_timestamp
from prodrescue.levels import Level

REFERENCE_YEAR = 2024
REPOSITORY = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRODRESCUE_SHARED", REPOSITORY.parent / "shared"))
LOGHUB = SHARED / "data" / "loghub-2k"
# Share of lines whose message equals the structured CSV's Content column.
LOGHUB_MESSAGE_TARGET = 0.98


def at(*parts: int, hours: float = 0) -> datetime:
    return datetime(*parts, tzinfo=timezone(timedelta(hours=hours)))


def read(text: str) -> list[Event]:
    return list(iter_events(text.split("\n"), SourceCounter("app.log"), REFERENCE_YEAR))


def read_one(line: str) -> Event:
    events = read(line)
    assert len(events) == 1
    return events[0]


def spans(events: list[Event]) -> list[tuple[int, int]]:
    return [(event.first_line, event.last_line) for event in events]


# (line, message, timestamp, level, fields the event must have)
STYLE_CASES = [
    pytest.param(
        "11-02 08:15:42.305  4410  4433 W NetworkMonitor: Probe timed out after 5000ms",
        "Probe timed out after 5000ms",
        at(2024, 11, 2, 8, 15, 42, 305000),
        Level.WARNING,
        {"pid": "4410", "tid": "4433", "tag": "NetworkMonitor"},
        id="logcat-threadtime",
    ),
    pytest.param(
        "11-02 08:15:42.305  4410  4433 E Gps     : fix lost",
        "fix lost",
        at(2024, 11, 2, 8, 15, 42, 305000),
        Level.ERROR,
        {"tag": "Gps"},
        id="logcat-threadtime-padded-tag",
    ),
    pytest.param(
        "11-02 08:15:43.010  4410  4433 V ChargerService: level=88 plugged=ac",
        "level=88 plugged=ac",
        at(2024, 11, 2, 8, 15, 43, 10000),
        Level.TRACE,
        {"tag": "ChargerService"},
        id="logcat-verbose",
    ),
    pytest.param(
        "11-02 08:15:42.305 I/ActivityTaskManager( 1187): Displayed com.example.shop/.Main",
        "Displayed com.example.shop/.Main",
        at(2024, 11, 2, 8, 15, 42, 305000),
        Level.INFO,
        {"pid": "1187", "tag": "ActivityTaskManager"},
        id="logcat-time",
    ),
    pytest.param(
        "- 1700000123 2023.11.14 cn12 Nov 14 22:15:23 cn12/cn12 ntpd[2044]: synchronized to 10.1.2.3, stratum 2",
        "synchronized to 10.1.2.3, stratum 2",
        at(2023, 11, 14, 22, 15, 23),
        None,
        {"node": "cn12", "host": "cn12/cn12", "program": "ntpd", "pid": "2044"},
        id="tagged-epoch-syslog",
    ),
    pytest.param(
        "KERNPAN 1700000200 2023.11.14 R11-M0-N3-C:J04-U01 2023-11-14-14.16.40.123456"
        " R11-M0-N3-C:J04-U01 RAS KERNEL FATAL data TLB error interrupt",
        "data TLB error interrupt",
        at(2023, 11, 14, 22, 16, 40),
        Level.FATAL,
        {"label": "KERNPAN", "node": "R11-M0-N3-C:J04-U01", "facility": "RAS", "component": "KERNEL"},
        id="tagged-epoch-ras",
    ),
    pytest.param(
        "- 1700000201 2023.11.14 UNKNOWN_SLOT 2023-11-14-14.16.41.000001 UNKNOWN_SLOT NULL DISCOVERY"
        " WARNING Service card is not fully functional",
        "Service card is not fully functional",
        at(2023, 11, 14, 22, 16, 41),
        Level.WARNING,
        {"node": "UNKNOWN_SLOT", "facility": "NULL", "component": "DISCOVERY"},
        id="tagged-epoch-ras-message-upper-case",
    ),
    pytest.param(
        "90211 blade-17 fan.ctl speed_change 1700000300 1 Fan 3 speed dropped to 1200 rpm",
        "Fan 3 speed dropped to 1200 rpm",
        at(2023, 11, 14, 22, 18, 20),
        None,
        {"record": "90211", "node": "blade-17", "component": "fan.ctl", "state": "speed_change", "flag": "1"},
        id="epoch-table",
    ),
    pytest.param(
        "90212 blade-17 psu status 1700000301 0 warning",
        "warning",
        at(2023, 11, 14, 22, 18, 21),
        None,
        {"state": "status", "flag": "0"},
        id="epoch-table-one-word-message",
    ),
    pytest.param(
        "20231114-22:18:03:417|StepCounter|4711|onSensorChanged steps=3120",
        "onSensorChanged steps=3120",
        at(2023, 11, 14, 22, 18, 3, 417000),
        None,
        {"component": "StepCounter", "pid": "4711"},
        id="pipe-columns",
    ),
    pytest.param(
        "20231115-0:4:9:012|StepCounter|4711|midnight reset: counter=0",
        "midnight reset: counter=0",
        at(2023, 11, 15, 0, 4, 9, 12000),
        None,
        {"component": "StepCounter"},
        id="pipe-columns-unpadded-clock",
    ),
    pytest.param(
        "2023-11-14 22:19:00.100|WARN|sync-worker|retrying upload",
        "retrying upload",
        at(2023, 11, 14, 22, 19, 0, 100000),
        Level.WARNING,
        {"component": "sync-worker"},
        id="pipe-columns-level",
    ),
    pytest.param(
        "[11.14 22:20:01] updater.exe *64 - cdn.example.net:443 open through proxy gw.example.net:3128 HTTPS",
        "cdn.example.net:443 open through proxy gw.example.net:3128 HTTPS",
        at(2024, 11, 14, 22, 20, 1),
        None,
        {"program": "updater.exe *64"},
        id="windows-program-64-bit",
    ),
    pytest.param(
        "[11.14 22:20:05] 7zFM.exe - mirror.example.org:80 close, 120 bytes sent",
        "mirror.example.org:80 close, 120 bytes sent",
        at(2024, 11, 14, 22, 20, 5),
        None,
        {"program": "7zFM.exe"},
        id="windows-program-digit-start",
    ),
    pytest.param(
        "2023-11-14 22:21:07, Warning               DPX    Failed to extract file manifest.xml",
        "Failed to extract file manifest.xml",
        at(2023, 11, 14, 22, 21, 7),
        Level.WARNING,
        {"component": "DPX"},
        id="level-and-component-columns",
    ),
    pytest.param(
        "cinder-volume.log.2.2023-11-14_22:00:00 2023-11-14 22:22:10.551 3120 WARNING cinder.volume.manager"
        " [req-0f9e8d7c-1111-2222-3333-444455556666 admin demo - - -]"
        " [instance: 6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f] Volume detach took 31 seconds",
        "[instance: 6f5e4d3c-2b1a-4c0d-9e8f-7a6b5c4d3e2f] Volume detach took 31 seconds",
        at(2023, 11, 14, 22, 22, 10, 551000),
        Level.WARNING,
        {
            "file": "cinder-volume.log.2.2023-11-14_22:00:00",
            "pid": "3120",
            "logger": "cinder.volume.manager",
            "context": "req-0f9e8d7c-1111-2222-3333-444455556666 admin demo - - -",
        },
        id="file-name-and-oslo-context",
    ),
    pytest.param(
        'cinder-api.log 2023-11-14 22:22:11.002 3121 INFO cinder.api.wsgi [-] 10.0.0.7 "GET /v3/volumes HTTP/1.1"'
        " status: 200",
        '10.0.0.7 "GET /v3/volumes HTTP/1.1" status: 200',
        at(2023, 11, 14, 22, 22, 11, 2000),
        Level.INFO,
        {"file": "cinder-api.log", "logger": "cinder.api.wsgi", "context": "-"},
        id="file-name-and-empty-oslo-context",
    ),
    pytest.param(
        "2023-11-14 22:23:44,018 - WARN  [LearnerHandler[sid=3]/10.0.0.9:2888:LearnerHandler@612]"
        " - Closing connection to peer",
        "Closing connection to peer",
        at(2023, 11, 14, 22, 23, 44, 18000),
        Level.WARNING,
        {"thread": "LearnerHandler[sid=3]/10.0.0.9:2888", "logger": "LearnerHandler", "line": "612"},
        id="nested-bracket-thread-class-line",
    ),
    pytest.param(
        "231114 222501 77 WARN dfs.BlockScanner: Verification failed for blk_4711",
        "Verification failed for blk_4711",
        at(2023, 11, 14, 22, 25, 1),
        Level.WARNING,
        {"pid": "77", "logger": "dfs.BlockScanner"},
        id="compact-date-pid-level-logger",
    ),
    pytest.param(
        "2023-11-14 22:27:00,001 WARN [ResponseProcessor for block BP-1234567890-10.0.0.1-1699999999999"
        ":blk_1073741999_1175 while the pipeline recovers from a lost datanode and the writer waits]"
        " org.apache.hadoop.hdfs.DataStreamer: Slow ReadProcessor read fields took 31012ms",
        "Slow ReadProcessor read fields took 31012ms",
        at(2023, 11, 14, 22, 27, 0, 1000),
        Level.WARNING,
        {"logger": "org.apache.hadoop.hdfs.DataStreamer"},
        id="long-thread-name",
    ),
    pytest.param(
        "2023-11-14 22:27:01,002 INFO [main] org.example.conf.Loader: cache.max-entries : 500",
        "cache.max-entries : 500",
        at(2023, 11, 14, 22, 27, 1, 2000),
        Level.INFO,
        {"thread": "main", "logger": "org.example.conf.Loader"},
        id="second-logger-is-message",
    ),
    pytest.param(
        "2023-11-14 22:27:02,003 INFO com.example.Job: [batch 7] started",
        "[batch 7] started",
        at(2023, 11, 14, 22, 27, 2, 3000),
        Level.INFO,
        {"logger": "com.example.Job"},
        id="bracket-after-logger-is-message",
    ),
    pytest.param(
        "Nov 14 22:26:00 gw1 crond 3.0.2: reloading configuration",
        "reloading configuration",
        at(2024, 11, 14, 22, 26, 0),
        None,
        {"host": "gw1", "program": "crond", "version": "3.0.2"},
        id="syslog-program-version",
    ),
    pytest.param(
        "Nov 14 22:26:01 mbp-7 Photo Editor[812]: canvas resized to 1024x768",
        "canvas resized to 1024x768",
        at(2024, 11, 14, 22, 26, 1),
        None,
        {"host": "mbp-7", "program": "Photo Editor", "pid": "812"},
        id="syslog-program-with-space",
    ),
    pytest.param(
        "Nov 14 22:26:01 mbp-7 DisplayAgent 12.4[96]: panel brightness set",
        "panel brightness set",
        at(2024, 11, 14, 22, 26, 1),
        None,
        {"program": "DisplayAgent 12.4", "pid": "96"},
        id="syslog-program-with-version-and-pid",
    ),
    pytest.param(
        "Nov 14 22:26:02 #3#/#3# /opt/tools/bin/collector[99]: sample queue flushed",
        "sample queue flushed",
        at(2024, 11, 14, 22, 26, 2),
        None,
        {"host": "#3#/#3#", "program": "/opt/tools/bin/collector", "pid": "99"},
        id="syslog-program-path",
    ),
    pytest.param(
        "Nov 14 22:26:03 mbp-7 sandboxd[140] ([2212]): Preview(2212) deny file-read-data /tmp/x",
        "Preview(2212) deny file-read-data /tmp/x",
        at(2024, 11, 14, 22, 26, 3),
        None,
        {"program": "sandboxd", "pid": "140", "context": "[2212]"},
        id="syslog-responsible-process",
    ),
    pytest.param(
        "Nov 14 22:26:04 gw1 sshd[3301]: error: maximum authentication attempts exceeded for root",
        "error: maximum authentication attempts exceeded for root",
        at(2024, 11, 14, 22, 26, 4),
        Level.ERROR,
        {"program": "sshd"},
        id="syslog-lone-level-stays-in-message",
    ),
    pytest.param(
        "Nov 14 22:26:05 mbp-7 bluetoothd[91]: 22:26:05.118 : LE scan paused",
        "22:26:05.118 : LE scan paused",
        at(2024, 11, 14, 22, 26, 5),
        None,
        {"program": "bluetoothd"},
        id="syslog-lone-clock-stays-in-message",
    ),
    pytest.param(
        "Nov 14 22:26:06 mbp-7 updaterd[501]: 2023-11-14 22:26:06.200 updaterd[501/0x7000] checking feeds",
        "2023-11-14 22:26:06.200 updaterd[501/0x7000] checking feeds",
        at(2024, 11, 14, 22, 26, 6),
        None,
        {"program": "updaterd"},
        id="syslog-lone-timestamp-stays-in-message",
    ),
    pytest.param(
        "Nov 14 22:26:07 mbp-7 thumbnailer[77]: objc[77]: Class Foo is implemented twice",
        "objc[77]: Class Foo is implemented twice",
        at(2024, 11, 14, 22, 26, 7),
        None,
        {"program": "thumbnailer", "pid": "77"},
        id="syslog-second-program-is-message",
    ),
    pytest.param(
        "Nov 14 22:26:08 gw1 billing[12]: ERROR billing.export: batch 7 failed",
        "ERROR billing.export: batch 7 failed",
        at(2024, 11, 14, 22, 26, 8),
        Level.ERROR,
        {"program": "billing"},
        id="syslog-lone-upper-case-level-stays-in-message",
    ),
    pytest.param(
        "Nov 14 22:26:09 gw1 billing[12]: 2024-11-14 22:26:09,120 ERROR billing.export: batch 7 failed",
        "batch 7 failed",
        at(2024, 11, 14, 22, 26, 9),
        Level.ERROR,
        {"program": "billing", "logger": "billing.export"},
        id="syslog-program-header-read",
    ),
]


@pytest.mark.parametrize(("line", "message", "timestamp", "level", "fields"), STYLE_CASES)
def test_header_style(
    line: str, message: str, timestamp: datetime, level: Level | None, fields: dict[str, str]
) -> None:
    event = read_one(line)
    assert event.message == message
    assert event.timestamp == timestamp
    assert event.level is level
    for key, value in fields.items():
        assert (event.fields or {}).get(key) == value, key


def test_epoch_prefix_zone_known() -> None:
    event = read_one("90211 blade-17 fan.ctl speed_change 1700000300 1 Fan 3 speed dropped")
    assert event.zone_known


def test_epoch_table_needs_ten_digits() -> None:
    line = "12 orders from shop-3 failed 17000 1 retry later"
    assert read_one(line).message == line


def test_pipe_columns_need_timestamp() -> None:
    line = "Step|4711|a table row, not a header"
    assert read_one(line).message == line


def test_names_before_level_need_level() -> None:
    event = read_one("2023-11-14 22:30:00 node-3 RAS KERNEL restarted after panic")
    assert event.message == "node-3 RAS KERNEL restarted after panic"


def test_file_name_needs_timestamp() -> None:
    line = "debug.log rotated by logrotate"
    assert read_one(line).message == line


def test_tentative_number_not_field() -> None:
    event = read_one("2023-11-14 22:30:00 42 orders processed")
    assert event.message == "42 orders processed"
    assert "pid" not in (event.fields or {})


def test_compact_unpadded_hour_needs_colon() -> None:
    stamp = match_timestamp("20231115-7:05:09:120 restart", 0, REFERENCE_YEAR)
    assert stamp is not None
    assert stamp.value == at(2023, 11, 15, 7, 5, 9, 120000)


def test_program_line_flag_off_strips_level() -> None:
    header = HeaderParser(REFERENCE_YEAR).parse("error: disk quota exceeded")
    assert header.level is Level.ERROR
    assert header.message_start == len("error: ")


def test_program_line_flag_keeps_level_word() -> None:
    header = HeaderParser(REFERENCE_YEAR).parse("error: disk quota exceeded", program_line=True)
    assert header.level is Level.ERROR
    assert header.message_start == 0


def test_syslog_single_space_not_continuation() -> None:
    text = "\n".join(
        [
            "Nov 14 22:30:00 gw1 kernel: memory map follows:",
            "Nov 14 22:30:00 gw1 kernel:  region 0: 0x0000-0x9fff usable",
        ]
    )
    assert spans(read(text)) == [(1, 1), (2, 2)]


def test_syslog_indented_line_same_second_joins() -> None:
    text = "\n".join(
        [
            "Nov 14 22:30:00 gw1 reporter[5]: queue report:",
            "Nov 14 22:30:00 gw1 reporter[5]:     depth 40, oldest 12s",
        ]
    )
    assert spans(read(text)) == [(1, 2)]


def test_syslog_indented_line_later_own_event() -> None:
    text = "\n".join(
        [
            "Nov 14 22:30:00 gw1 reporter[5]: queue report:",
            "Nov 14 23:45:10 gw1 reporter[5]:     depth 40, oldest 12s",
        ]
    )
    assert spans(read(text)) == [(1, 1), (2, 2)]


def test_syslog_short_tag_not_continuation() -> None:
    text = "\n".join(
        [
            "Nov 14 22:31:00 mbp-7 kernel[0]: [USB] [HUB] port 3 reset",
            "Nov 14 22:31:00 mbp-7 kernel[0]: [USB] port 4 enabled",
        ]
    )
    assert spans(read(text)) == [(1, 1), (2, 2)]


def test_syslog_request_id_tag_joins() -> None:
    text = "\n".join(
        [
            "Nov 14 22:31:00 web-2 app[7]: E, [2024-11-14T22:31:00.100 #7] ERROR -- : [4f2a9c1e-77b0] failed",
            "Nov 14 22:31:00 web-2 app[7]: [4f2a9c1e-77b0] app/models/order.rb:12:in `charge'",
        ]
    )
    assert spans(read(text)) == [(1, 2)]


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(
            "- 1700000123 2023.11.14 cn12 Nov 14 22:15:23 cn12/cn12 ntpd[2044]: synchronized",
            id="tagged-epoch",
        ),
        pytest.param(
            "90211 blade-17 fan.ctl speed_change 1700000300 1 Fan 3 speed dropped", id="epoch-table"
        ),
        pytest.param("11-02 08:15:42.305  4410  4433 W NetworkMonitor: Probe timed out", id="logcat"),
        pytest.param(
            "app.log 2023-11-14 22:22:10.551 3120 WARNING app.sync [req-1 - - - - -] slow", id="file-name"
        ),
    ],
)
def test_per_line_header_takes_no_plain_line(first: str) -> None:
    text = "\n".join([first, "configuration reloaded by operator"])
    assert spans(read(text)) == [(1, 1), (2, 2)]


def test_pipe_lines_own_events() -> None:
    text = "\n".join(
        [
            "20231115-0:4:9:12|StepCounter|4711|midnight reset",
            "20231115-0:4:9:13|StepCounter|4711|day changed",
        ]
    )
    assert spans(read(text)) == [(1, 1), (2, 2)]


def load_header_accuracy() -> ModuleType:
    path = REPOSITORY / "benchmarks" / "header_accuracy.py"
    spec = importlib.util.spec_from_file_location("header_accuracy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not LOGHUB.is_dir(),
    reason=f"Loghub-2k sample logs not found at {LOGHUB} (set PRODRESCUE_SHARED to the shared folder)",
)
def test_loghub_messages_meet_target() -> None:
    benchmark = load_header_accuracy()
    scores = [benchmark.score_system(*system, REFERENCE_YEAR) for system in benchmark.find_systems(LOGHUB)]
    below = {
        score.name: score.messages / score.lines
        for score in scores
        if score.messages < LOGHUB_MESSAGE_TARGET * score.lines
    }
    assert not below
    # Only the Linux kernel's memory-zone lines, indented under the line before, are continuations.
    assert sum(score.folded for score in scores) <= 3
