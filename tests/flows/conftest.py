"""The processor the flows' sockets run on: proc1 with the functions echo and say."""

import pytest

from apps.processors.models import Processor
from tests.factories import make_processor, make_task


@pytest.fixture
def processor() -> Processor:
    processor = make_processor(name="proc1")
    make_task(processor, name="echo")
    make_task(processor, name="say")
    return processor
