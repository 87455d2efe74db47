"""A connection's outbox: bounded frames, each event once, gaps and shedding said out loud."""

from __future__ import annotations

from apps.live.outbox import Outbox


def events(n: int, start: int = 0, kind: str = "call") -> list[dict]:
    return [{"kind": kind, "sid": f"{i}-0", "n": i} for i in range(start, start + n)]


def drain(outbox: Outbox) -> list[dict]:
    frames = []
    while (frame := outbox.take_frame()) is not None:
        frames.append(frame)
    return frames


def test_a_burst_leaves_in_bounded_frames_with_exact_totals():
    outbox = Outbox(frame_max=100)
    outbox.subscribe("calls:all", kinds=None, total=0, seq=0)
    for seq in range(1, 6):
        outbox.add_batch(topic="calls:all", seq=seq, total=seq * 70, events=events(70, (seq - 1) * 70))
    frames = drain(outbox)
    assert [len(f["events"]) for f in frames] == [100, 100, 100, 50]
    assert [f["topics"]["calls:all"]["total"] for f in frames] == [100, 200, 300, 350]
    assert sum(f["topics"]["calls:all"]["count"] for f in frames) == 350
    assert [e["n"] for f in frames for e in f["events"]] == list(range(350))
    assert outbox.stats()["delivered"] == 350 and outbox.stats()["missed"] == 0


def test_an_event_on_two_topics_is_delivered_once_and_counted_on_both():
    outbox = Outbox()
    outbox.subscribe("calls:all", kinds=None, total=10, seq=1)
    outbox.subscribe("processor:p", kinds=None, total=0, seq=0)
    batch = events(3)
    outbox.add_batch(topic="calls:all", seq=2, total=13, events=batch)
    outbox.add_batch(topic="processor:p", seq=1, total=3, events=batch)
    frame = outbox.take_frame()
    assert len(frame["events"]) == 3
    assert frame["topics"] == {"calls:all": {"seq": 2, "total": 13, "count": 3},
                               "processor:p": {"seq": 1, "total": 3, "count": 3}}
    assert outbox.stats()["duplicates"] == 3


def test_when_the_layer_loses_a_batch_then_the_next_frame_says_how_many_events():
    outbox = Outbox()
    outbox.subscribe("run:r", kinds=None, total=0, seq=0)
    outbox.add_batch(topic="run:r", seq=1, total=5, events=events(5))
    outbox.add_batch(topic="run:r", seq=3, total=12, events=events(3, 9))  # seq 2 (4 events) lost
    frame = outbox.take_frame()
    assert frame["gaps"] == [{"topic": "run:r", "missed": 4, "reason": "lost"}]
    info = frame["topics"]["run:r"]
    assert info["total"] - info["count"] == 12 - 8  # a client that knew 0 sees 4 missing
    assert outbox.stats()["missed"] == 4


def test_a_client_too_slow_to_read_is_shed_oldest_first_and_told():
    outbox = Outbox(frame_max=1000, pending_max=100)
    outbox.subscribe("calls:all", kinds=None, total=0, seq=0)
    outbox.add_batch(topic="calls:all", seq=1, total=150, events=events(150))
    frame = outbox.take_frame()
    assert frame["gaps"] == [{"topic": "calls:all", "missed": 50, "reason": "slow"}]
    assert [e["n"] for e in frame["events"]] == list(range(50, 150))
    assert frame["topics"]["calls:all"] == {"seq": 1, "total": 150, "count": 100}
    assert outbox.stats()["shed"] == 50


def test_a_channel_keeps_only_its_kind_and_carries_progress_to_the_next_frame():
    outbox = Outbox()
    outbox.subscribe("processor:p", kinds=frozenset({"metric"}), total=0, seq=0)
    outbox.add_batch(topic="processor:p", seq=1, total=2, events=events(2, kind="call"))
    assert outbox.take_frame() is None, "nothing to show: no frame"
    outbox.add_batch(topic="processor:p", seq=2, total=3, events=events(1, 2, kind="metric"))
    frame = outbox.take_frame()
    assert [e["kind"] for e in frame["events"]] == ["metric"]
    assert frame["topics"]["processor:p"] == {"seq": 2, "total": 3, "count": 3}
    assert outbox.stats()["filtered"] == 2


def test_a_batch_overlapping_the_baseline_is_delivered_without_a_gap():
    outbox = Outbox()
    outbox.subscribe("calls:all", kinds=None, total=7, seq=3)  # read after the batch was counted
    outbox.add_batch(topic="calls:all", seq=3, total=7, events=events(2))
    frame = outbox.take_frame()
    assert len(frame["events"]) == 2 and "gaps" not in frame


def test_batches_of_a_topic_left_are_ignored():
    outbox = Outbox()
    outbox.subscribe("nodes", kinds=None, total=0, seq=0)
    outbox.unsubscribe("nodes")
    outbox.add_batch(topic="nodes", seq=1, total=1, events=events(1, kind="node"))
    assert outbox.take_frame() is None
