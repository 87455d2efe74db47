"""The ``flow`` command line: a client of the REST API (no Django, except the server-side
commands of ``server.py``, which run ``manage.py`` in a child process)."""
