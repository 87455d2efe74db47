"""The Python client API, where users import it from (the specification's ``pyfi.client.api``):

    from elasticcode.client.api import Socket as Function, parallel, pipeline, funnel

It talks to the REST API only (``connect``, or FLOW_URL / FLOW_TOKEN, or ``flow login``'s config)."""

from apps.client.api import (
    Function,
    Funnel,
    Parallel,
    Pipeline,
    Run,
    RunFailed,
    RunTimeout,
    Signature,
    Socket,
    client,
    connect,
    funnel,
    parallel,
    pipeline,
)
from apps.client.decorators import plug, processor, socket

__all__ = ["Function", "Funnel", "Parallel", "Pipeline", "Run", "RunFailed", "RunTimeout", "Signature", "Socket",
           "client", "connect", "funnel", "parallel", "pipeline", "plug", "processor", "socket"]
