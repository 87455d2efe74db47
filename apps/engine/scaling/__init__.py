"""The scaler: each monitor tick, the concurrency each scalable processor should run, from
its queues' samples, within its bounds and its network's free cpus.

- ``decide``: pure. ``scale_decide(state, load, current, bounds, policy)`` -> a Decision or
  None. Up fast (straight to what is needed), down slowly (two windows agree, then a hold,
  never while a call is ready); the caller holds one ``ScalerState`` per processor.
- ``services``: the cpu budget read, and ``processor_scale`` (persist, re-place, event).
- ``tick``: what the elected queue monitor runs after sampling.

A new concurrency reaches the agents as a new share of cpus on their deployments: an agent
replaces the worker (the old one retires: it stops taking calls and ends once its running
calls finish), so scaling never kills a busy call.
"""
