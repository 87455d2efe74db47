"""The agent that runs a node: ``agent.py`` (the loop), ``reconcile.py`` (what to do, pure),
``supervisor.py`` and ``standby.py`` (worker processes), ``control.py`` (pause and resume
through Celery's remote control), ``state.py`` (its reads and writes), ``failover.py`` (the
network check), ``stopping.py`` (``agent_stop``), ``watch.py`` (a worker's watch on its
agent), ``local.py`` and ``metrics.py``."""
