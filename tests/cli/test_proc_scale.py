"""``flow proc scale NAME --min N --max M [--drain S]`` and the bounds in ``flow ls processors``."""

from __future__ import annotations

import pytest

from apps.processors.models import Processor
from tests.factories import make_processor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_proc_scale_sets_the_bounds_and_ls_shows_them(flow):
    make_processor(name="scalable", concurrency=1)
    scaled = flow("proc", "scale", "scalable", "--min", "1", "--max", "3", "--drain", "10")
    assert scaled.exit_code == 0, scaled.output
    assert scaled.stdout == 'Processor "scalable": concurrency 1 within 1..3, drain 10 s\n'
    row = Processor.objects.get(name="scalable")
    assert (row.min_concurrency, row.max_concurrency, row.drain_seconds) == (1, 3, 10)

    listed = flow("ls", "processors")
    assert listed.exit_code == 0, listed.output
    [header] = [line for line in listed.stdout.splitlines() if "Name" in line]
    assert all(f" {title} " in header for title in ("Current", "Min", "Max"))

    refused = flow("proc", "scale", "scalable", "--min", "4")
    assert refused.exit_code != 0
    assert "above the maximum" in refused.output
    assert flow("proc", "scale", "scalable").exit_code == 2  # nothing to set
