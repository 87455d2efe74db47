"""placement_plan: how a processor's concurrency is spread over nodes (pure)."""

from __future__ import annotations

from apps.network.models import Strategy
from apps.network.placement import NodeCapacity, placement_plan


def nodes(**free: int) -> list[NodeCapacity]:
    return [NodeCapacity(hostname=name, cpus=cpus) for name, cpus in free.items()]


def test_balanced_spreads_one_cpu_at_a_time():
    assert placement_plan(concurrency=4, nodes=nodes(a1=4, a2=4), strategy=Strategy.BALANCED) == {"a1": 2, "a2": 2}
    assert placement_plan(concurrency=5, nodes=nodes(a=4, b=4, c=4), strategy=Strategy.BALANCED) == {
        "a": 2, "b": 2, "c": 1}


def test_balanced_serves_the_nodes_with_most_free_cpus_first_and_respects_capacity():
    plan = placement_plan(concurrency=4, nodes=nodes(small=1, big=3), strategy=Strategy.BALANCED)
    assert plan == {"big": 3, "small": 1}
    assert placement_plan(concurrency=1, nodes=nodes(a=2, b=3), strategy=Strategy.BALANCED) == {"b": 1}


def test_efficient_packs_the_node_with_most_free_cpus_then_the_next():
    assert placement_plan(concurrency=4, nodes=nodes(a1=4, a2=4), strategy=Strategy.EFFICIENT) == {"a1": 4}
    assert placement_plan(concurrency=4, nodes=nodes(a=2, b=3), strategy=Strategy.EFFICIENT) == {"b": 3, "a": 1}


def test_cpus_held_by_other_processors_are_not_free():
    busy = [NodeCapacity(hostname="a", cpus=4, used=3), NodeCapacity(hostname="b", cpus=4, used=0)]
    assert placement_plan(concurrency=4, nodes=busy, strategy=Strategy.EFFICIENT) == {"b": 4}
    assert placement_plan(concurrency=4, nodes=busy, strategy=Strategy.BALANCED) == {"b": 3, "a": 1}


def test_beyond_the_free_cpus_processors_share_a_node_but_none_gets_more_than_its_cpus():
    assert placement_plan(concurrency=6, nodes=nodes(a=2, b=1), strategy=Strategy.BALANCED) == {"a": 2, "b": 1}
    assert placement_plan(concurrency=5, nodes=nodes(a=2, b=2), strategy=Strategy.EFFICIENT) == {"a": 2, "b": 2}
    full = [NodeCapacity(hostname="a", cpus=2, used=2), NodeCapacity(hostname="b", cpus=4, used=3)]
    assert placement_plan(concurrency=3, nodes=full, strategy=Strategy.EFFICIENT) == {"b": 2, "a": 1}
    assert placement_plan(concurrency=9, nodes=full, strategy=Strategy.BALANCED) == {"b": 4, "a": 2}
    one_cpu = [NodeCapacity(hostname="survivor", cpus=1)]
    assert placement_plan(concurrency=4, nodes=one_cpu, strategy=Strategy.BALANCED) == {"survivor": 1}


def test_a_node_whose_cpus_are_not_known_yet_is_not_capped():
    assert placement_plan(concurrency=3, nodes=nodes(new=0), strategy=Strategy.BALANCED) == {"new": 3}


def test_nothing_is_planned_without_nodes():
    assert placement_plan(concurrency=3, nodes=[], strategy=Strategy.BALANCED) == {}
