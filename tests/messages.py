"""The translatable texts of a package, read from its source, for the translation tests."""

from __future__ import annotations

import ast
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _literal(node: ast.Call, at: int) -> str | None:
    arg = node.args[at] if len(node.args) > at else None
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def messages(package: str, functions: tuple[str, ...] = ("_", "N_")) -> list[str]:
    """Every literal given to one of `functions` in the package's code, in order, once
    each; `translate` takes its text second (after the context)."""
    found: list[str] = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            text = (None if name not in functions else
                    _literal(node, 1) if name == "translate" else _literal(node, 0))
            if text is not None and text not in found:
                found.append(text)
    return found


def fields(text: str) -> set[str]:
    """The names of a text's {placeholders}."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
