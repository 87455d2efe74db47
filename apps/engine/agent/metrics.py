"""What a node reports at each heartbeat: CPU, memory, disk and load (psutil)."""

from __future__ import annotations

import os
from typing import Any

import psutil


def node_metrics(*, disk_path: str = "/") -> dict[str, Any]:
    """CPU use since the previous call (percent), one-minute load, memory and disk."""
    memory = psutil.virtual_memory()
    disk = psutil.disk_usage(disk_path)
    return {
        "cpuload": psutil.cpu_percent(interval=None),
        "loadavg": os.getloadavg()[0],
        "memsize": memory.total,
        "freemem": memory.available,
        "memused": memory.percent,
        "disksize": disk.total,
        "diskusage": disk.percent,
    }
