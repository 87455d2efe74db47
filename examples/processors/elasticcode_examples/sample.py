"""Example processor functions.

Every public function defined here can be picked as a processor in
ElasticCode. Arguments and return values travel as JSON. A function that
accepts ``plugs`` (or ``**kwargs``) can route values to named outputs by
setting ``plugs["name"] = value``; ``output`` is a free-form dict that is
shown beside the result.
"""

import time


def do_something(message, *args, plugs={}, output={}, **kwargs):
    """Return the message prefixed with ``TEXT:``."""
    return "TEXT:" + str(message)


def do_graph(message):
    """Return the message with a ``graph`` metric the platform plots."""
    return {
        "message": message,
        "graph": {
            "name": "temperature",
            "value": len(str(message)),
            "tag": {"name": "tagname", "value": "tagvalue"},
        },
    }


def do_this(message, *args, plugs={}, output={}, **kwargs):
    """Return ``Do this: <message>``."""
    return "Do this: " + str(message)


def add_two(one, two):
    """Add two numbers (or concatenate two strings or lists)."""
    return one + two


def say(message):
    """Print the message (it shows up in the call's log) and return it."""
    print("saying:", message)
    return message


def fail(message):
    """Always raise ``ValueError`` with the message."""
    raise ValueError("fail was asked to fail: " + str(message))


def sleep(seconds):
    """Sleep for ``seconds`` and return them."""
    time.sleep(seconds)
    return seconds


def route(message, plugs={}):
    """Send the message to the ``left`` plug and its upper-case to the ``right`` plug."""
    plugs["left"] = message
    plugs["right"] = str(message).upper()
    return message


def noop():
    """Do nothing and return ``None``."""
    return None


def bad_result():
    """Return a set, which is not JSON: the call fails with a clear message."""
    return {1, 2, 3}


def import_optional():
    """Use an optional package that is not installed (only imported when called)."""
    import elasticcode_optional_extra  # intentionally missing

    return elasticcode_optional_extra.__name__


def environment():
    """The names (not values) of the environment variables this function sees."""
    import os

    return sorted(os.environ)


def echo(value):
    """Return the value unchanged (a source or sink in data-flow tests)."""
    return value
