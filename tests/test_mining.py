"""Masking and template mining with content-hash ids."""

from __future__ import annotations

import pytest

from prodrescue.mining import Masker, Miner, MinerSettings, template_id_for
from prodrescue.mining.tree import MAX_CANDIDATES, WordAwareDrain


@pytest.mark.parametrize(
    ("message", "masked", "kinds"),
    [
        (
            "request timed out after 5000ms (total=200, active=200)",
            "request timed out after <DURATION> (total=<NUM>, active=<NUM>)",
            ["DURATION", "NUM", "NUM"],
        ),
        (
            "read udp 10.244.169.134:47806->10.20.0.52:53: i/o timeout",
            "read udp <IP>-><IP>: i/o timeout",
            ["IP", "IP"],
        ),
        (
            "RDB: 3631 MB of memory used by copy-on-write",
            "RDB: <SIZE> of memory used by copy-on-write",
            ["SIZE"],
        ),
        (
            "session 0x25475cdd7470285 for 7c1e0d2a-0000-4000-8000-000000000001",
            "session <HEX> for <UUID>",
            ["HEX", "UUID"],
        ),
        ("peer fe80::1ff:fe23:4567:890a closed", "peer <IP> closed", ["IP"]),
        ("see https://example.com/docs?id=4 for details", "see <URL> for details", ["URL"]),
        ("hit rate 94.1% over 1,200 lookups", "hit rate <NUM> over <NUM> lookups", ["NUM", "NUM"]),
    ],
)
def test_masking(message: str, masked: str, kinds: list[str]) -> None:
    result, values = Masker().mask(message)
    assert result == masked
    assert [kind for kind, _ in values] == kinds


@pytest.mark.parametrize(
    ("message", "masked", "kinds"),
    [
        pytest.param("at 03:47:01 retry", "at <TIME> retry", ["TIME"], id="clock-time"),
        pytest.param(
            "lifetime 00:12, idle <1 sec",
            "lifetime <TIME>, idle <DURATION>",
            ["TIME", "DURATION"],
            id="elapsed",
        ),
        pytest.param(
            "login from 10.1.2.3 at Sun Jul  3 10:05:25 2005",
            "login from <IP> at <DATETIME>",
            ["IP", "DATETIME"],
            id="ctime-date",
        ),
        pytest.param(
            "cert expires 2024-03-12T03:47:01Z now",
            "cert expires <DATETIME> now",
            ["DATETIME"],
            id="iso-date",
        ),
        pytest.param(
            "dial api.payments.example.com:443 failed", "dial <HOST> failed", ["HOST"], id="host-port"
        ),
        pytest.param("resolve cache-01.eu-west.internal", "resolve <HOST>", ["HOST"], id="host-tld"),
        pytest.param("loaded app.py and Main.java", "loaded app.py and Main.java", [], id="file-names-stay"),
        pytest.param(
            "at org.apache.kafka.clients.NetworkClient",
            "at org.apache.kafka.clients.NetworkClient",
            [],
            id="class-stays",
        ),
        pytest.param(
            "open /var/lib/pgsql/data/pg_wal failed", "open <PATH> failed", ["PATH"], id="unix-path"
        ),
        pytest.param(r"read C:\Windows\Temp\cbs.log", "read <PATH>", ["PATH"], id="windows-path"),
        pytest.param("lease for 00:1a:2b:3c:4d:5e", "lease for <MAC>", ["MAC"], id="mac"),
        pytest.param("job_1445144423722_0020 and node-246", "<ID> and <ID>", ["ID", "ID"], id="ids"),
        pytest.param(
            "pool HikariPool-1 on eth1", "pool HikariPool-<NUM> on eth1", ["NUM"], id="short-suffix-stays"
        ),
        pytest.param(
            "sent 1257 bytes (1.22 KB) in 5ms", "sent <SIZE> in <DURATION>", ["SIZE", "DURATION"], id="size"
        ),
    ],
)
def test_masking_kinds(message: str, masked: str, kinds: list[str]) -> None:
    result, values = Masker().mask(message)
    assert result == masked
    assert [kind for kind, _ in values] == kinds


def test_different_words_stay_apart() -> None:
    miner = Miner()
    started, _ = miner.add("[instance: 7c1e0d2a-0000-4000-8000-000000000001] VM Started (Lifecycle Event)")
    paused, _ = miner.add("[instance: 7c1e0d2a-0000-4000-8000-000000000001] VM Paused (Lifecycle Event)")
    templates = miner.resolve()
    assert started != paused
    assert templates[started].text == "[instance: <UUID>] VM Started (Lifecycle Event)"


def test_values_still_merge() -> None:
    miner = Miner()
    first, _ = miner.add("Renewed lease for [DFSClient_NONMAPREDUCE_15_1] after 3 tries")
    second, _ = miner.add("Renewed lease for [DFSClient_NONMAPREDUCE_99_2] after 5 tries")
    assert first == second


def test_wildcard_keeps_brackets_and_keys() -> None:
    miner = Miner()
    first, _ = miner.add("synchronized to ntp-a, stratum 2 (mode=fast)")
    miner.add("synchronized to ntp-b, stratum 3 (mode=slow)")
    assert miner.resolve()[first].text == "synchronized to <*>, stratum <NUM> (mode=<*>)"


def test_many_words_at_one_position_merge() -> None:
    miner = Miner()
    clusters = [
        miner.add(f"queue consumer {name} stopped cleanly")[0]
        for name in ("alpha", "beta", "gamma", "delta", "omega")
    ]
    templates = miner.resolve()
    assert len({templates[cluster].id for cluster in clusters}) == 1
    assert templates[clusters[0]].text == "queue consumer <*> stopped cleanly"
    assert templates[clusters[0]].count == 5


def test_few_words_at_one_position_stay() -> None:
    miner = Miner()
    clusters = [
        miner.add(f"VM {state} by the scheduler today")[0]
        for state in ("Started", "Paused", "Resumed", "Stopped")
    ]
    templates = miner.resolve()
    assert len({templates[cluster].id for cluster in clusters}) == 4


def test_word_after_user_merges_sooner() -> None:
    miner = Miner()
    news, _ = miner.add("session opened for user news by cron")
    cyrus, _ = miner.add("session opened for user cyrus by cron")
    templates = miner.resolve()
    assert templates[news].id == templates[cyrus].id
    assert templates[news].text == "session opened for user <*> by cron"


def test_short_messages_never_merge() -> None:
    miner = Miner()
    clusters = [
        miner.add(word)[0] for word in ("normal", "warning", "running", "critical", "degraded", "failed")
    ]
    templates = miner.resolve()
    assert len({templates[cluster].id for cluster in clusters}) == 6


def test_one_placeholder_per_kind_whatever_the_length() -> None:
    masker = Masker()
    assert masker.mask("job 7 done")[0] == masker.mask("job 123456789012 done")[0]


def test_miner_groups_variable_lines() -> None:
    miner = Miner()
    first, _ = miner.add("lock acquired key=pay:a1 owner=api-1")
    second, params = miner.add("lock acquired key=pay:b2 owner=api-1")
    other, _ = miner.add("payment authorized in 120 ms")
    templates = miner.resolve()
    assert first == second
    assert other != first
    assert templates[first].count == 2
    assert ("*", "pay:b2") in params


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


def test_full_leaf_still_matches_newest_templates() -> None:
    # Each line has its own words, so every line starts a template in one tree leaf.
    drain = WordAwareDrain(sim_th=0.4, depth=4, max_children=100)
    words = [
        f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676)}" for i in range(MAX_CANDIDATES + 50)
    ]
    clusters = [drain.add_log_message(f"step {word} done ok")[0] for word in words]
    assert len({cluster.cluster_id for cluster in clusters}) == len(words)
    again, _ = drain.add_log_message(f"step {words[-1]} done ok")
    assert again.cluster_id == clusters[-1].cluster_id


def test_repeat_with_other_digits_keeps_its_values() -> None:
    miner = Miner()
    first, first_values = miner.add("worker 7 took 120ms on 10.0.0.1")
    second, second_values = miner.add("worker 8 took 95ms on 10.0.0.2")
    assert first == second
    assert first_values == (("NUM", "7"), ("DURATION", "120ms"), ("IP", "10.0.0.1"))
    assert second_values == (("NUM", "8"), ("DURATION", "95ms"), ("IP", "10.0.0.2"))
    assert miner.resolve()[first].count == 2


def test_repeat_after_eviction_finds_a_cluster() -> None:
    miner = Miner(MinerSettings(max_templates=2))
    first, _ = miner.add("alpha started fine")
    miner.add("beta stopped badly now")
    miner.add("gamma restarted twice here today")
    again, _ = miner.add("alpha started fine")
    assert again != first
    assert miner.resolve()[again].text == "alpha started fine"
