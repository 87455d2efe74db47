"""List a module's public functions; runs INSIDE the processor's venv.

Stdlib only, and never imported by the platform: ``introspect.py`` passes
this file's text to ``python -c`` with the module name as the only argument.
It prints exactly one JSON document on the original stdout; anything the
imported module prints goes to stderr instead.

The module must be a file of the checkout (``sys.argv[2]``): one that resolves
elsewhere (the standard library, site-packages) is refused before it is imported
(``error.type`` "NotInCheckout"), and only functions defined in the module are listed.

Output: ``{"ok": true, "functions": [...], "warnings": [...]}`` or
``{"ok": false, "error": {"type", "message", "traceback"}}``.
"""

import importlib
import importlib.util
import inspect
import json
import os
import sys
import traceback

KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}
MAX_REPR = 200
MAX_SOURCE = 100_000


def text_repr(value):
    try:
        text = repr(value)
    except Exception:
        text = "<unrepresentable %s>" % type(value).__name__
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def default_info(value):
    """(default, is_repr): the JSON value when it round-trips exactly, else repr text."""
    try:
        text = json.dumps(value, allow_nan=False)
        if bool(json.loads(text) == value) and len(text) <= MAX_REPR:
            return value, False
    except Exception:
        pass
    return text_repr(value), True


def annotation_text(annotation):
    if annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    try:
        return inspect.formatannotation(annotation)
    except Exception:
        return text_repr(annotation)


def argument_info(position, param):
    has_default = param.default is not inspect.Parameter.empty
    default, is_repr = default_info(param.default) if has_default else (None, False)
    return {
        "name": param.name,
        "position": position,
        "kind": KINDS[param.kind],
        "annotation": annotation_text(param.annotation),
        "default": default,
        "default_is_repr": is_repr,
        "has_default": has_default,
    }


def function_info(name, func):
    signature = inspect.signature(func)
    params = list(signature.parameters.values())
    var_kw = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    names = {p.name for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD}
    try:
        source = inspect.getsource(func)[:MAX_SOURCE]
    except Exception:
        source = None
    try:
        lineno = inspect.getsourcelines(func)[1] if source is not None else None
    except Exception:
        lineno = None
    return {
        "name": name,
        "doc": inspect.getdoc(func),
        "source": source,
        "lineno": lineno,
        "arguments": [argument_info(i, p) for i, p in enumerate(params)],
        "returns": annotation_text(signature.return_annotation),
        "accepts_plugs": "plugs" in names or var_kw,
        "accepts_output": "output" in names or var_kw,
    }


def module_functions(module):
    functions, warnings = [], []
    for name, obj in list(vars(module).items()):
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if getattr(obj, "__module__", None) != module.__name__:
            continue
        try:
            functions.append(function_info(name, obj))
        except Exception as exc:
            warnings.append("skipped function %r: could not read its signature: %s: %s"
                            % (name, type(exc).__name__, exc))
    return functions, warnings


def module_origin(name, source):
    """Path of the file ``name`` resolves to, or raise ``LookupError`` when it is not in ``source``.

    Finding a submodule imports its parent packages (which must be in ``source`` too).
    """
    root = os.path.realpath(source)
    spec = importlib.util.find_spec(name)
    origin = getattr(spec, "origin", None) if spec is not None else None
    if spec is None:
        raise ModuleNotFoundError("No module named %r" % name)
    if not origin or not os.path.isfile(origin):
        where = "built into the interpreter" if origin in ("built-in", "frozen") else "not a file"
        raise LookupError("module %r is not a module of the repository checkout: it is %s" % (name, where))
    path = os.path.realpath(origin)
    if os.path.commonpath([root, path]) != root:
        raise LookupError("module %r is not a module of the repository checkout: it resolves to %s, a "
                          "standard-library or installed module; a processor runs a module of its own "
                          "repository" % (name, path))
    return path


def main(out):
    name, source = sys.argv[1], sys.argv[2]
    try:
        module_origin(name, source)
    except LookupError as exc:
        error = {"type": "NotInCheckout", "message": str(exc), "traceback": ""}
        out.write(json.dumps({"ok": False, "error": error}))
        return
    except BaseException as exc:
        error = {"type": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}
        out.write(json.dumps({"ok": False, "error": error}))
        return
    try:
        module = importlib.import_module(name)
    except BaseException as exc:
        error = {"type": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}
        out.write(json.dumps({"ok": False, "error": error}))
        return
    functions, warnings = module_functions(module)
    out.write(json.dumps({"ok": True, "functions": functions, "warnings": warnings}))


if __name__ == "__main__":
    _out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        main(_out)
    finally:
        _out.flush()
