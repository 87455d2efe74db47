"""Tables, values and trees, without a server."""

from __future__ import annotations

from apps.cli.render import cell, footer, result_text, table
from apps.cli.trees import graph_lines, tree_lines


def test_a_table_looks_like_the_specification():
    text = table(["Name", "ID", "State"], [["do_this", "e3f7", "finished"], ["do_something", "e3bf", None]])
    assert text.splitlines() == [
        "+--------------+------+----------+",
        "| Name         | ID   | State    |",
        "+--------------+------+----------+",
        "| do_this      | e3f7 | finished |",
        "| do_something | e3bf | None     |",
        "+--------------+------+----------+",
    ]


def test_an_empty_table_still_has_its_header():
    assert table(["Name"], []).splitlines() == ["+------+", "| Name |", "+------+", "+------+"]


def test_cells_show_dates_like_the_specification_and_objects_by_name():
    assert cell("2021-09-13T19:30:19.933346Z") == "2021-09-13 19:30:19.933346"
    assert cell({"id": "1", "name": "proc1"}) == "proc1"
    assert cell(["a", "b"]) == "a, b"
    assert cell("two\nlines") == "two lines"
    assert len(cell("x" * 500)) == 80


def test_the_footer_counts_pages():
    assert footer(1, 10, 3830) == "Page 1 of 383 of 3830 total records"
    assert footer(1, 10, 0) == "Page 1 of 1 of 0 total records"
    assert footer(2, 10, 11) == "Page 2 of 2 of 11 total records"


def test_a_string_result_is_printed_raw_and_others_as_json():
    assert result_text("Do this: ['some data']") == "Do this: ['some data']"
    assert result_text({"a": [1]}) == '{\n  "a": [\n    1\n  ]\n}'


def test_a_call_tree_is_drawn_with_box_characters():
    tree = {"name": "do_something", "state": "finished", "children": [
        {"name": "do_this", "state": "finished", "children": [{"name": "say", "children": []}]},
        {"name": "do_graph", "state": "failed"},
    ]}
    assert tree_lines(tree) == [
        "do_something [finished]",
        "├── do_this [finished]",
        "│   └── say",
        "└── do_graph [failed]",
    ]


def test_a_call_graph_draws_a_shared_call_once():
    graph = {
        "nodes": [{"id": "a", "name": "split"}, {"id": "b", "name": "left"}, {"id": "c", "name": "right"},
                  {"id": "d", "name": "join"}],
        "edges": [{"from": "a", "to": "b"}, {"from": "a", "to": "c"},
                  {"from": "b", "to": "d"}, {"from": "c", "to": "d"}],
    }
    assert graph_lines(graph) == [
        "split",
        "├── left",
        "│   └── join",
        "└── right",
        "    └── join (see above)",
    ]


def test_a_call_without_edges_hangs_under_its_parent():
    graph = {"nodes": [{"id": "a", "name": "first", "parent": None}, {"id": "b", "name": "second", "parent": "a"}],
             "edges": []}
    assert graph_lines(graph) == ["first", "└── second"]
