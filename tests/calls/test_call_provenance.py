import pytest

from apps.calls.selectors import call_graph, call_lineage, call_tree
from tests.factories import make_call, make_socket

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    """a -> b -> (c, d), and d is a join fed by b and by a second root e."""
    sock = make_socket()
    a = make_call(sock)
    b = make_call(sock, parent=a, tracking=a.tracking)
    b.inputs.add(a)
    c = make_call(sock, parent=b, tracking=a.tracking)
    c.inputs.add(b)
    e = make_call(sock, tracking=a.tracking)
    d = make_call(sock, parent=b, tracking=a.tracking)
    d.inputs.add(b, e)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_the_tree_goes_forward_from_a_call(run):
    tree = call_tree(call=run["a"])
    assert tree["id"] == str(run["a"].pk)
    (b,) = tree["children"]
    assert {child["id"] for child in b["children"]} == {str(run["c"].pk), str(run["d"].pk)}


def test_the_graph_holds_every_call_of_the_run_and_every_input_edge(run):
    graph = call_graph(call=run["c"])
    assert len(graph["nodes"]) == 5
    assert set(graph["roots"]) == {str(run["a"].pk), str(run["e"].pk)}
    edges = {(edge["from"], edge["to"]) for edge in graph["edges"]}
    assert (str(run["e"].pk), str(run["d"].pk)) in edges and (str(run["b"].pk), str(run["d"].pk)) in edges


def test_upstream_lineage_finds_every_contributor_within_the_depth(run):
    upstream = call_lineage(call=run["d"], direction="upstream", depth=1)
    assert {c["id"] for c in upstream["calls"]} == {str(run["b"].pk), str(run["e"].pk)}
    deeper = call_lineage(call=run["d"], direction="upstream", depth=5)
    assert str(run["a"].pk) in {c["id"] for c in deeper["calls"]}


def test_downstream_lineage_finds_what_a_call_affected(run):
    downstream = call_lineage(call=run["a"], direction="downstream", depth=5)
    assert {c["id"] for c in downstream["calls"]} == {str(run[k].pk) for k in "bcd"}
    assert call_lineage(call=run["a"], direction="downstream", depth=1)["calls"][0]["id"] == str(run["b"].pk)
