"""Masking and template mining with content-hash ids."""

from __future__ import annotations

import pytest

from prodrescue.mining import Masker, Miner, template_id_for


@pytest.mark.parametrize(
    ("message", "masked", "kinds"),
    [
        ("request timed out after 5000ms (total=200, active=200)",
         "request timed out after <DURATION> (total=<NUM>, active=<NUM>)", ["DURATION", "NUM", "NUM"]),
        ("read udp 10.244.169.134:47806->10.20.0.52:53: i/o timeout",
         "read udp <IP>-><IP>: i/o timeout", ["IP", "IP"]),
        ("RDB: 3631 MB of memory used by copy-on-write", "RDB: <SIZE> of memory used by copy-on-write", ["SIZE"]),
        ("session 0x25475cdd7470285 for 7c1e0d2a-0000-4000-8000-000000000001",
         "session <HEX> for <UUID>", ["HEX", "UUID"]),
        ("peer fe80::1ff:fe23:4567:890a closed", "peer <IP> closed", ["IP"]),
        ("see https://example.com/docs?id=4 for details", "see <URL> for details", ["URL"]),
        ("hit rate 94.1% over 1,200 lookups", "hit rate <NUM> over <NUM> lookups", ["NUM", "NUM"]),
    ],
)
def test_masking(message: str, masked: str, kinds: list[str]) -> None:
    result, values = Masker().mask(message)
    assert result == masked
    assert [kind for kind, _ in values] == kinds


def test_masking_keeps_clock_times_as_numbers() -> None:
    masked, _ = Masker().mask("at 03:47:01 retry")
    assert masked == "at <NUM>:<NUM>:<NUM> retry"


def test_one_placeholder_per_kind_whatever_the_length() -> None:
    masker = Masker()
    assert masker.mask("job 7 done")[0] == masker.mask("job 123456789012 done")[0]


def test_miner_groups_variable_lines() -> None:
    miner = Miner()
    first, _ = miner.add("lock acquired key=pay:ord_1 owner=api-1")
    second, params = miner.add("lock acquired key=pay:ord_2 owner=api-1")
    other, _ = miner.add("payment authorized in 120 ms")
    templates = miner.resolve()
    assert first == second
    assert other != first
    assert templates[first].count == 2
    assert ("*", "key=pay:ord_2") in params


def test_template_ids_are_content_hashes() -> None:
    miner = Miner()
    cluster, _ = miner.add("worker 7 started")
    template = miner.resolve()[cluster]
    assert template.id == template_id_for(template.text)
    assert len(template.id) == 12


def test_template_ids_stable_across_orders() -> None:
    lines = ["cache miss for key user:1", "worker 3 started", "cache miss for key user:2", "worker 9 started"]
    forward, backward = Miner(), Miner()
    for line in lines:
        forward.add(line)
    for line in reversed(lines):
        backward.add(line)
    assert {t.id for t in forward.resolve().values()} == {t.id for t in backward.resolve().values()}
