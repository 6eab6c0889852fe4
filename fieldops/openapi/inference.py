"""What a view's own code says about its request: the models it hands to `body_as`, and
whether it reads a body at all. Read from the source of the view and of the functions of its
module that it calls, so the document cannot drift from the code."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import cache

BODY_READERS = {
    "json_body",
    "body_as",
    "check_json_bounds",
    "get_json",
    "get_data",
    "uploaded_photo",
}
BODY_ATTRIBUTES = {"files", "form"}  # request.files, request.form


def _source_tree(function) -> ast.AST | None:
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError):
        return None


def _calls(function, seen: set):
    """Every call in `function` and, followed by name, in the functions of its own module."""
    function = inspect.unwrap(function)
    if function in seen:
        return
    seen.add(function)
    tree = _source_tree(function)
    if tree is None:
        return
    module, names = function.__module__, _names(function, tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, names
            if isinstance(node.func, ast.Name):
                callee = names.get(node.func.id)
                if inspect.isfunction(callee) and callee.__module__ == module:
                    yield from _calls(callee, seen)
        elif isinstance(node, ast.Attribute) and node.attr in BODY_ATTRIBUTES:
            if isinstance(node.value, ast.Name) and node.value.id == "request":
                yield node, names


def _names(function, tree: ast.AST) -> dict:
    """The function's module globals and what it imports inside itself."""
    names = dict(function.__globals__)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            source = importlib.import_module(node.module)
            for alias in node.names:
                names[alias.asname or alias.name] = getattr(source, alias.name)
    return names


@cache
def body_models(view) -> tuple[tuple[type, bool], ...]:
    """(model, required) for each `body_as(Model[, required=False])` the view makes."""
    found = []
    for node, names in _calls(view, set()):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "body_as"
            and node.args
            and isinstance(node.args[0], ast.Name)
        ):
            required = not any(
                k.arg == "required" and isinstance(k.value, ast.Constant) and k.value.value is False
                for k in node.keywords
            )
            found.append((names[node.args[0].id], required))
    return tuple(dict.fromkeys(found))


@cache
def reads_body(view) -> bool:
    for node, _names in _calls(view, set()):
        if isinstance(node, ast.Attribute):
            return True
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name in BODY_READERS:
            return True
    return False
