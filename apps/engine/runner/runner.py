"""ElasticCode function runner: runs INSIDE a processor's virtualenv.

Stdlib only: the platform is not installed where this runs, so it must never
import anything from ``apps``.

Usage::

    <venv python> runner.py --source <mount path> [--max-result-bytes N] [--max-log-bytes N]

Protocol (one JSON document per line):

- at start-up the runner writes ``{"ready": true, "pid": ..., "python": ...}``;
- each request on stdin is ``{"id", "module", "function", "args", "kwargs"}``;
- each response is ``{"id", "ok", "result", "plugs", "output", "metrics",
  "log", "duration_ms", "error"}`` where ``error`` is ``null`` or
  ``{"type", "message", "traceback"}``.

Invariants: responses go to a private duplicate of the original stdout; file
descriptors 1 and 2, ``sys.stdout`` and ``sys.stderr`` all point at a capture
file, and fd 0 / ``sys.stdin`` at /dev/null, so nothing user code prints or
reads can corrupt the protocol. Every response is valid JSON no bigger than
roughly result + plugs + output limits + log limit.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if sys.path and os.path.abspath(sys.path[0] or ".") == _HERE:
    del sys.path[0]  # never let user modules be shadowed by (or shadow) this script

import argparse  # noqa: E402
import faulthandler  # noqa: E402
import fcntl  # noqa: E402
import functools  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

DEFAULT_MAX_RESULT_BYTES = 1024 * 1024
DEFAULT_MAX_LOG_BYTES = 64 * 1024
MAX_TRACEBACK_CHARS = 20_000


class Failure(Exception):
    """A call that did not produce a usable result; becomes ``response["error"]``."""

    def __init__(self, kind, message, trace=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.trace = trace


class Channels:
    """The protocol streams and the capture file that stands in for stdout/stderr."""

    def __init__(self):
        self.diag = os.fdopen(os.dup(2), "w", encoding="utf-8", errors="backslashreplace")
        faulthandler.enable(file=self.diag)
        self.out = os.fdopen(os.dup(1), "w", encoding="utf-8")
        self.inp = os.fdopen(os.dup(0), "r", encoding="utf-8", errors="replace")
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        handle, path = tempfile.mkstemp(prefix="runner-output-")
        os.unlink(path)
        fcntl.fcntl(handle, fcntl.F_SETFL, fcntl.fcntl(handle, fcntl.F_GETFL) | os.O_APPEND)
        os.dup2(handle, 1)
        os.dup2(handle, 2)
        os.close(handle)
        self.stream = open(1, "w", encoding="utf-8", errors="backslashreplace", buffering=1, closefd=False)
        self.null_in = open(os.devnull)
        self.reset_std()

    def reset_std(self):
        """Point sys.stdout/sys.stderr/sys.stdin back at ours (user code may rebind them)."""
        sys.stdout = sys.stderr = self.stream
        sys.stdin = self.null_in

    def send(self, document):
        self.out.write(json.dumps(document) + "\n")
        self.out.flush()

    def take_log(self, limit):
        """Return what was written since the last call (head + tail if over ``limit``) and clear it."""
        for stream in {id(s): s for s in (sys.stdout, sys.stderr, self.stream)}.values():
            try:
                stream.flush()
            except Exception:
                pass
        size = os.lseek(1, 0, os.SEEK_END)
        if size <= limit:
            data = os.pread(1, size, 0)
        else:
            head = limit // 2
            tail = limit - head
            marker = "\n[... %d bytes of output truncated ...]\n" % (size - limit)
            data = os.pread(1, head, 0) + marker.encode() + os.pread(1, tail, size - tail)
        os.ftruncate(1, 0)
        os.lseek(1, 0, os.SEEK_SET)
        self.reset_std()
        return data.decode("utf-8", "replace")


def module_check(module_name, source):
    """Raise ``Failure`` unless ``module_name`` resolves to a file inside ``source`` (realpath).

    A standard-library or installed module (``os``, ``subprocess``) is never run, even when
    a processor names it; finding a submodule imports its parents, which must be ours too.
    """
    root = os.path.realpath(source)
    try:
        spec = importlib.util.find_spec(module_name)
    except BaseException as exc:
        raise Failure(
            type(exc).__name__,
            "could not import module %r: %s: %s" % (module_name, type(exc).__name__, safe_text(exc)),
            traceback.format_exc(),
        ) from None
    if spec is None:
        raise Failure("ModuleNotFoundError", "could not import module %r: ModuleNotFoundError: "
                      "No module named %r" % (module_name, module_name))
    origin = spec.origin if isinstance(spec.origin, str) and os.path.isfile(spec.origin) else None
    path = os.path.realpath(origin) if origin else None
    if path is None or os.path.commonpath([root, path]) != root:
        raise Failure("NotInCheckout", "module %r is not a module of the repository checkout (it resolves to %s); "
                      "a processor runs a module of its own repository" % (module_name, path or spec.origin))


class Runner:
    def __init__(self, *, channels, max_result_bytes, max_log_bytes, source):
        self.channels = channels
        self.source = source
        self.max_result_bytes = max_result_bytes
        self.max_log_bytes = max_log_bytes
        self.modules = {}

    def function(self, module_name, function_name):
        module = self.modules.get(module_name)
        if module is None:
            module_check(module_name, self.source)
            try:
                module = importlib.import_module(module_name)
            except BaseException as exc:
                raise Failure(
                    type(exc).__name__,
                    "could not import module %r: %s: %s" % (module_name, type(exc).__name__, safe_text(exc)),
                    traceback.format_exc(),
                ) from None
            self.modules[module_name] = module
        func = getattr(module, function_name, None) if not function_name.startswith("_") else None
        if func is None or not callable(func):
            raise Failure("FunctionNotFound", "module %r has no function %r" % (module_name, function_name))
        if not inspect.isfunction(func) or getattr(func, "__module__", None) != module.__name__:
            raise Failure("FunctionNotFound", "%r is not a function defined in module %r (it is imported "
                          "there or not a function); a socket runs a function of the module"
                          % (function_name, module_name))
        return func

    def handle(self, request):
        """Run one request; returns the response document (never raises)."""
        response = {"id": request.get("id"), "ok": False, "result": None, "plugs": {}, "output": {},
                    "metrics": [], "log": "", "duration_ms": 0.0, "error": None}
        try:
            response.update(self.call(request, response))
            response["ok"] = True
        except Failure as failure:
            trace = (failure.trace or "")[-MAX_TRACEBACK_CHARS:]
            response["error"] = {"type": failure.kind, "message": failure.message, "traceback": trace}
        except BaseException as exc:  # a bug here, or user objects misbehaving while we inspect them
            response["error"] = {"type": "RunnerError", "message": "internal runner error: " + safe_text(exc),
                                 "traceback": traceback.format_exc()[-MAX_TRACEBACK_CHARS:]}
        try:
            response["log"] = self.channels.take_log(self.max_log_bytes)
        except Exception as exc:
            response["log"] = "[output could not be collected: %s]" % safe_text(exc)
        return response

    def call(self, request, response):
        """Import, call and check; returns the success fields or raises ``Failure``."""
        module_name, function_name, args, kwargs = request_fields(request)
        func = self.function(module_name, function_name)
        plugs, output = inject_containers(func, args, kwargs)
        started = time.perf_counter()
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            raise Failure(type(exc).__name__, safe_text(exc), user_traceback(exc)) from None
        finally:
            response["duration_ms"] = round((time.perf_counter() - started) * 1000.0, 3)
        return {
            "result": self.checked(result, "result"),
            "plugs": self.checked(plugs, "plugs") if isinstance(plugs, dict) else {},
            "output": self.checked(output, "output") if isinstance(output, dict) else {},
            "metrics": result_metrics(result),
        }

    def checked(self, value, what):
        """``value`` if it is JSON-serialisable and within the size limit, else ``Failure``."""
        try:
            text = json.dumps(value, allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise Failure(
                "ResultNotSerialisable",
                "%s of type %s is not JSON-serialisable: %s" % (what, type(value).__name__, exc),
            ) from None
        size = len(text.encode("utf-8"))
        if size > self.max_result_bytes:
            raise Failure("ResultTooLarge",
                          "%s is %d bytes, over the limit of %d" % (what, size, self.max_result_bytes))
        return json.loads(text)


def request_fields(request):
    if "invalid" in request:
        raise Failure("BadRequest", request["invalid"])
    module_name = request.get("module")
    function_name = request.get("function")
    args = request.get("args") or []
    kwargs = request.get("kwargs") or {}
    if not isinstance(module_name, str) or not module_name:
        raise Failure("BadRequest", "request has no module name")
    if not isinstance(function_name, str) or not function_name:
        raise Failure("BadRequest", "request has no function name")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise Failure("BadRequest", "request args must be a list and kwargs an object")
    return module_name, function_name, list(args), dict(kwargs)


@functools.lru_cache(maxsize=1024)
def parameters(func):
    """The function's parameters (its signature is read once, not on every call); None when
    it has no readable signature."""
    try:
        return list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return None


def inject_containers(func, args, kwargs):
    """Pass fresh ``plugs``/``output`` dicts when ``func`` accepts them; return the ones in use."""
    params = parameters(func)
    if params is None:
        return None, None
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    containers = []
    for name in ("plugs", "output"):
        param = next((p for p in params if p.name == name and p.kind in (
            inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)), None)
        positional_index = (params.index(param) if param and param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
                            else None)
        if name in kwargs:
            containers.append(kwargs[name])
        elif positional_index is not None and positional_index < len(args):
            containers.append(args[positional_index])
        elif param is not None or var_kw:
            kwargs[name] = {}
            containers.append(kwargs[name])
        else:
            containers.append(None)
    return containers[0], containers[1]


def safe_text(exc):
    """``str(exc)``, even when the exception's ``__str__`` itself fails."""
    try:
        return str(exc)
    except BaseException:
        return "<%s with an unprintable message>" % type(exc).__name__


def user_traceback(exc):
    """The traceback of ``exc`` without the runner's own frame."""
    tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
    return "".join(traceback.format_exception(type(exc), exc, tb))


def result_metrics(result):
    """``[graph]`` when the result is a dict with a ``graph`` metric ``{name, value, tag}``."""
    graph = result.get("graph") if isinstance(result, dict) else None
    if isinstance(graph, dict) and "name" in graph and "value" in graph:
        return [{"name": graph["name"], "value": graph["value"], "tag": graph.get("tag")}]
    return []


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Run functions of a processor repository.")
    parser.add_argument("--source", required=True)
    parser.add_argument("--max-result-bytes", type=int, default=DEFAULT_MAX_RESULT_BYTES)
    parser.add_argument("--max-log-bytes", type=int, default=DEFAULT_MAX_LOG_BYTES)
    return parser.parse_args(argv)


def serve(channels, runner):
    channels.send({"ready": True, "pid": os.getpid(), "python": sys.version.split()[0]})
    for line in channels.inp:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict):
                raise ValueError("a request must be a JSON object")
        except ValueError as exc:
            request = {"id": None, "invalid": "request is not valid JSON: %s" % exc}
        channels.send(runner.handle(request))


def main(argv=None):
    options = parse_args(argv)
    source = os.path.abspath(options.source)
    if not os.path.isdir(source):
        sys.stderr.write("runner: source directory %s does not exist\n" % source)
        return 2
    if source not in sys.path:
        sys.path.insert(0, source)
    channels = Channels()
    runner = Runner(channels=channels, max_result_bytes=options.max_result_bytes, max_log_bytes=options.max_log_bytes,
                    source=source)
    serve(channels, runner)
    return 0

if __name__ == "__main__":
    sys.exit(main())
