"""One connection's pending events, coalesced into bounded frames.

The publisher sends one batch per topic per tick, each with the topic's batch ``seq`` and
``total`` (events ever published on the topic, this batch included). The outbox turns the
batches a connection receives into frames of at most ``frame_max`` events, each event once
even when it reached the connection through several topics (``sid`` is its stream id).

Nothing leaves silently: events the channel layer did not deliver show as a jump in the
topic's ``total`` (``missed``), events shed because the client reads too slowly as
``shed``; both are listed in the next frame's ``gaps`` and counted. A frame reports, per
topic, the ``total`` it accounts up to and how many of those events it ``count``s, so a
client that sees ``total - count`` above the last total it knew has missed that many.
A frame's ``sids`` name, per topic, the last stream id it accounts for: a client that
reconnects subscribes with ``after`` that id and is sent what came after it (apps.live.replay).
While a subscription's replay is read, its live batches are held, then follow the replay
(each event once, in stream order).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from typing import Any

from apps.live.streamids import id_key, stream_id


@dataclass(slots=True)
class _Entry:
    topic: str
    seq: int
    position: int  # the topic's total after this event
    event: dict[str, Any]


@dataclass
class _TopicState:
    kinds: frozenset[str] | None  # event kinds kept; None keeps all
    received: int  # position up to which batches have arrived (or been missed)
    seq: int


class Outbox:
    def __init__(self, *, frame_max: int = 500, pending_max: int = 50_000, recent_max: int = 50_000) -> None:
        self.frame_max = frame_max
        self.pending_max = pending_max
        self.recent_max = recent_max
        self.counters: Counter[str] = Counter()
        self.frames = 0
        self._topics: dict[str, _TopicState] = {}
        self._pending: deque[_Entry] = deque()
        self._gaps: list[dict[str, Any]] = []
        self._skipped: dict[str, tuple[int, int]] = {}  # topic -> (seq, position) passed without events
        self._carry: dict[str, dict[str, int]] = {}  # progress of a frame that had nothing to show
        self._carry_sids: dict[str, str] = {}
        self._recent: deque[str] = deque()
        self._recent_set: set[str] = set()
        self._held: dict[str, list[tuple[int, int, list[dict[str, Any]]]]] = {}  # topic -> batches

    # --- subscriptions ------------------------------------------------------------
    def subscribe(self, topic: str, *, kinds: frozenset[str] | None, total: int, seq: int) -> None:
        """Start (or widen) a topic from ``total``, the position when the client joined."""
        state = self._topics.get(topic)
        if state is None:
            self._topics[topic] = _TopicState(kinds=kinds, received=total, seq=seq)
        elif state.kinds is not None:
            state.kinds = None if kinds is None else state.kinds | kinds

    def hold(self, topic: str) -> None:
        """Keep the topic's batches aside (even before ``subscribe``) until ``release``."""
        self._held.setdefault(topic, [])

    def release(self, topic: str, replayed: list[dict[str, Any]]) -> None:
        """The replayed events first (counted at the topic's baseline), then the held batches."""
        state = self._topics.get(topic)
        held = self._held.pop(topic, [])
        if state is None:
            return
        for event in replayed:
            self._pending.append(_Entry(topic=topic, seq=state.seq, position=state.received, event=event))
        self.counters["replayed"] += len(replayed)
        for seq, total, events in held:
            self.add_batch(topic=topic, seq=seq, total=total, events=events)
        self._shed_overflow()

    def unsubscribe(self, topic: str) -> None:
        self._held.pop(topic, None)
        self._topics.pop(topic, None)
        self._pending = deque(entry for entry in self._pending if entry.topic != topic)
        self._skipped.pop(topic, None)
        self._carry.pop(topic, None)

    def subscribed(self, topic: str) -> bool:
        return topic in self._topics

    @property
    def topics(self) -> list[str]:
        return sorted(self._topics)

    # --- batches in ---------------------------------------------------------------
    def add_batch(self, *, topic: str, seq: int, total: int, events: list[dict[str, Any]]) -> None:
        if topic in self._held:
            self._held[topic].append((seq, total, events))
            return
        state = self._topics.get(topic)
        if state is None:
            return  # a batch in flight when the client unsubscribed
        self.counters["batches"] += 1
        start = total - len(events)
        if total < state.received:
            state.received = start  # the topic's counters restarted (Redis lost them)
        elif start > state.received:
            self._note_gap(topic, start - state.received, "lost", seq=seq, position=start)
            self.counters["missed"] += start - state.received
        # A batch overlapping the baseline (published as the client joined) is delivered
        # whole: its events are new to this client, and no gap is claimed for them.
        for offset, event in enumerate(events, start=1):
            self._pending.append(_Entry(topic=topic, seq=seq, position=start + offset, event=event))
        self.counters["received"] += len(events)
        state.received, state.seq = max(state.received, total), seq
        self._shed_overflow()

    def _note_gap(self, topic: str, missed: int, reason: str, *, seq: int, position: int) -> None:
        self._gaps.append({"topic": topic, "missed": missed, "reason": reason})
        self._skipped[topic] = (seq, max(position, self._skipped.get(topic, (0, 0))[1]))

    def _shed_overflow(self) -> None:
        shed: Counter[str] = Counter()
        while len(self._pending) > self.pending_max:
            entry = self._pending.popleft()
            shed[entry.topic] += 1
            self._skipped[entry.topic] = (entry.seq, entry.position)
        for topic, count in shed.items():
            self._gaps.append({"topic": topic, "missed": count, "reason": "slow"})
            self.counters["shed"] += count

    # --- frames out ---------------------------------------------------------------
    @property
    def has_pending(self) -> bool:
        return bool(self._pending or self._gaps or self._skipped)

    def take_frame(self) -> dict[str, Any] | None:
        """The next frame (at most ``frame_max`` events), or None when nothing is pending."""
        if not self.has_pending:
            return None
        events: list[dict[str, Any]] = []
        progress, self._carry = self._carry, {}
        sids, self._carry_sids = self._carry_sids, {}
        while self._pending and len(events) < self.frame_max:
            entry = self._pending.popleft()
            info = progress.setdefault(entry.topic, {"seq": entry.seq, "total": entry.position, "count": 0})
            info.update(seq=entry.seq, total=entry.position, count=info["count"] + 1)
            sid = stream_id(entry.event.get("sid"))
            if sid is not None and (entry.topic not in sids or id_key(sid) > id_key(sids[entry.topic])):
                sids[entry.topic] = sid
            if self._keep(entry, events):
                events.append(entry.event)
        for topic, (seq, position) in self._skipped.items():
            info = progress.setdefault(topic, {"seq": seq, "total": position, "count": 0})
            if position > info["total"]:
                info.update(seq=seq, total=position)
        self._skipped = {}
        if not events and not self._gaps:
            self._carry, self._carry_sids = progress, sids  # all filtered or repeated: tell with the next
            return None
        self.frames += 1
        self.counters["delivered"] += len(events)
        frame: dict[str, Any] = {"type": "events", "frame": self.frames, "events": events, "topics": progress,
                                 "pending": len(self._pending)}
        if sids:
            frame["sids"] = sids
        if self._gaps:
            frame["gaps"], self._gaps = self._gaps, []
        return frame

    def _keep(self, entry: _Entry, events: list[dict[str, Any]]) -> bool:
        state = self._topics.get(entry.topic)
        if state is None or (state.kinds is not None and entry.event.get("kind") not in state.kinds):
            self.counters["filtered"] += 1
            return False
        sid = entry.event.get("sid")
        if sid is None:
            return True
        if sid in self._recent_set:
            self.counters["duplicates"] += 1
            return False
        self._recent.append(sid)
        self._recent_set.add(sid)
        if len(self._recent) > self.recent_max:
            self._recent_set.discard(self._recent.popleft())
        return True

    def stats(self) -> dict[str, Any]:
        return {
            **{name: self.counters[name] for name in
               ("batches", "received", "delivered", "duplicates", "filtered", "missed", "shed", "replayed")},
            "frames": self.frames, "pending": len(self._pending),
            "topics": {topic: {"seq": s.seq, "total": s.received} for topic, s in self._topics.items()},
        }
