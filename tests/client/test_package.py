"""The client is importable where the specification's users look for it, from the installed
package (not the repository's ``apps``), with the sample processors' partials ready."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SPEC = """
import json
from elasticcode.client.api import Socket as Function, funnel, parallel, pipeline
from elasticcode.client.example.api import do_something_p as do_something, do_this_p as do_this
flow = funnel([do_something("Eight"), parallel([do_this("Six"), do_something("Seven")])])
print(json.dumps(funnel(flow.items, then=do_something("Four")).tree()))
"""


def test_the_specifications_imports_work_from_the_installed_package(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", SPEC], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    tree = json.loads(done.stdout)
    assert tree["then"] == {"call": "pyfi.processors.sample.do_something", "args": ["Four"], "kwargs": {}}
    assert tree["funnel"][1]["parallel"][0]["call"] == "pyfi.processors.sample.do_this"
