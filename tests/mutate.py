"""Mutation testing of the rule modules: `./dev mutate [MODULE ...]` (docs/mutation.md).

Two passes over the modules [tool.mutmut] only_mutate names in pyproject.toml, then one
score per module:

1. mutmut 3 changes the code inside every function and method, one small change at a time
   (a `<` made `<=`, a 3 made 4, an argument dropped), and runs the tests that call it.
2. What mutmut cannot reach: it swaps functions for trampolines, so a rule written as a
   module or class constant (each element's decimals, the edges of the physical ranges,
   the Shewhart constants, the rate SQL) is never changed by it. This pass changes those
   constants one at a time in a copy of the package and runs the same tests: numbers
   plus one, True/False, operators swapped, strings spoiled; and in the SQL modules
   ([tool.qcdesk.mutate] sql) the SQL itself: a comparison turned, a status literal
   swapped for another, IS NULL for IS NOT NULL, a FILTER dropped, a count column for
   another count column (n_…), a weight column for another (w_…), total() for count(),
   min() for max(), AND for OR, arithmetic turned, a number plus one.

A mutant the tests do not notice survives. Every survivor must be killed by a new test or
listed in docs/mutation.md (by name, in backticks) as equivalent, with why; the command
exits 1 when a survivor is not listed there. One worker process throughout.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"  # mutmut's work folder
CONSTANTS_RESULT = MUTANTS / "constants.json"
LOG = MUTANTS / "mutmut.log"
EQUIVALENTS = ROOT / "docs" / "mutation.md"
KILLED, SURVIVED, TIMEOUT, NO_TESTS = "killed", "survived", "timeout", "no tests"
CAUGHT = {KILLED, TIMEOUT}  # a mutant that makes the tests hang was noticed too
TIMEOUT_S = 300


@dataclass(frozen=True)
class Config:
    modules: list[str]  # [tool.mutmut] only_mutate
    selection: list[str]  # the test files that judge them
    pytest_args: list[str]  # added to every pytest run
    sql: set[str]  # modules whose string constants are SQL


def config() -> Config:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    mutmut = data["tool"]["mutmut"]
    return Config(list(mutmut["only_mutate"]), list(mutmut["pytest_add_cli_args_test_selection"]),
                  list(mutmut.get("pytest_add_cli_args", [])),
                  set(data["tool"].get("qcdesk", {}).get("mutate", {}).get("sql", [])))


# ------------------------------------------------------------------ pass 1: mutmut


def run_mutmut(modules: list[str], every: bool) -> None:
    shutil.rmtree(MUTANTS, ignore_errors=True)
    MUTANTS.mkdir()
    names = [] if every else [m.removesuffix(".py").replace("/", ".") + ".*" for m in modules]
    mutmut = Path(sys.executable).with_name("mutmut")
    print(f"mutmut: every function of {len(modules)} module(s), one worker; "
          f"its output in {LOG.relative_to(ROOT)}", flush=True)
    with LOG.open("w", encoding="utf-8") as log:
        done = subprocess.run([str(mutmut), "run", "--max-children", "1", *names], cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        sys.exit(f"mutmut failed (exit {done.returncode}); see {LOG}")
    if "ERROR: not found:" in LOG.read_text(encoding="utf-8", errors="replace"):
        # pytest could not find a test mutmut asked for: that mutant's "kill" is void
        sys.exit(f"mutmut asked for a test pytest did not find; see {LOG}")


def mutmut_results() -> dict[str, str]:
    """Every mutmut mutant's name → killed, survived, timeout, no tests, ..."""
    mutmut = Path(sys.executable).with_name("mutmut")
    out = subprocess.run([str(mutmut), "results", "--all", "1"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        name, _sep, status = line.strip().rpartition(": ")
        if name:
            found[name] = status
    return found


# ------------------------------------------------------------------ pass 2: constants and SQL


@dataclass(frozen=True)
class Mutant:
    module: str  # qcdesk/spc.py
    name: str  # qcdesk/spc.py:29#1
    what: str  # "2.66 → 3.66"
    source: str  # the whole mutated module


# mutmut's operator table, for the operators written at module level
BINARY = {"+": "-", "-": "+", "*": "/", "/": "*", "//": "/", "%": "/", "**": "*", "|": "&", "&": "|"}
COMPARE = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "==", "is not": "is",
           "is": "is not", "not in": "in", "in": "not in"}
SQL_OPERATORS: list[tuple[str, str]] = [  # (pattern, replacement); {n} is a number plus one
    (r"<>", "="), (r"(?<![<>!=])=(?![=>])", "<>"), (r"<=", "<"), (r">=", ">"),
    (r"(?<![<>])<(?![=>])", "<="), (r"(?<![<>=-])>(?!=)", ">="),
    (r"\bIS NULL\b", "IS NOT NULL"), (r"\bIS NOT NULL\b", "IS NULL"),
    (r" FILTER \(WHERE [^)]*\)", ""), (r"\bAND\b", "OR"), (r"\bOR\b", "AND"),
    (r"\btotal\(", "count("), (r"\bmin\(", "max("), (r"\bmax\(", "min("),
    (r"\bsum\(", "total("), (r" - ", " + "), (r" \+ ", " - "), (r" \* ", " / "), (r" / ", " * "),
    (r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", "{n}"),
]


def _offsets(source: str) -> list[int]:
    """Byte offset of each line's start (ast columns count UTF-8 bytes)."""
    starts, at = [0, 0], 0
    for line in source.encode("utf-8").splitlines(keepends=True):
        at += len(line)
        starts.append(at)
    return starts


def _span(node: ast.AST, starts: list[int]) -> tuple[int, int]:
    return (starts[node.lineno] + node.col_offset,  # type: ignore[attr-defined]
            starts[node.end_lineno] + node.end_col_offset)  # type: ignore[attr-defined]


def _constant_expressions(tree: ast.Module) -> Iterator[ast.expr]:
    """The values assigned at module and class level (not inside a function), docstrings,
    annotations, decorators and imports left out."""
    bodies = [tree.body]
    while bodies:
        for stmt in bodies.pop():
            if isinstance(stmt, ast.ClassDef):
                bodies.append(stmt.body)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign) and stmt.value is not None:
                yield stmt.value


def _walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of an expression, without lambdas, f-strings or translatable messages
    (N_/_ calls: words, not rules; the translation tests judge them)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Lambda | ast.JoinedStr):
            continue
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in ("N_", "_"):
            continue
        yield from _walk(child)


def _plus_one(text: str) -> str:
    return str(int(text) + 1) if re.fullmatch(r"-?\d+", text) else repr(float(text) + 1)


def _sql_mutations(text: str, literals: list[str],
                   columns: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(what, mutated text) for every SQL mutation of one string constant."""
    operators = [*SQL_OPERATORS,
                 *((re.escape(lit), other) for lit in literals for other in literals if other != lit),
                 *((rf"\b{col}\b", other) for kind in columns.values() for col in kind
                   for other in kind if other != col)]
    for pattern, replacement in operators:
        for found in re.finditer(pattern, text):
            new = _plus_one(found.group()) if replacement == "{n}" else replacement
            line = text.count("\n", 0, found.start())
            yield (f"SQL line +{line}: {found.group()!r} → {new!r}",
                   text[:found.start()] + new + text[found.end():])


def constant_mutants(module: str, sql: bool) -> list[Mutant]:
    source = (ROOT / module).read_text(encoding="utf-8")
    raw = source.encode("utf-8")
    starts = _offsets(source)
    tree = ast.parse(source)
    strings = [n.value for e in _constant_expressions(tree) for n in _walk(e)
               if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    literals = sorted({m for s in strings for m in re.findall(r"'\w+'", s)}) if sql else []
    columns: dict[str, list[str]] = {}
    for kind in (r"n_\w+", r"w_\w+"):  # counts of ingots, weights: each may stand for another
        columns[kind] = sorted({m for s in strings for m in re.findall(rf"\b{kind}\b", s)}) if sql else []
    mutants: list[Mutant] = []
    per_line: dict[int, int] = {}

    def add(node: ast.AST, what: str, replacement: str,
            start: int | None = None, end: int | None = None) -> None:
        lo, hi = _span(node, starts)
        lo, hi = (lo if start is None else start), (hi if end is None else end)
        text = (raw[:lo] + replacement.encode("utf-8") + raw[hi:]).decode("utf-8")
        try:
            ast.parse(text)
        except SyntaxError:
            return
        line = node.lineno  # type: ignore[attr-defined]
        per_line[line] = per_line.get(line, 0) + 1
        mutants.append(Mutant(module, f"{module}:{line}#{per_line[line]}", what, text))

    def between(left: ast.AST, right: ast.AST) -> tuple[int, int, str]:
        lo, hi = _span(left, starts)[1], _span(right, starts)[0]
        return lo, hi, raw[lo:hi].decode("utf-8")

    for expression in _constant_expressions(tree):
        for node in _walk(expression):
            if isinstance(node, ast.Constant) and isinstance(node.value, bool):
                add(node, f"{node.value} → {not node.value}", repr(not node.value))
            elif isinstance(node, ast.Constant) and isinstance(node.value, int | float):
                add(node, f"{node.value!r} → {node.value + 1!r}", repr(node.value + 1))
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if sql:
                    for what, text in _sql_mutations(node.value, literals, columns):
                        add(node, what, repr(text))
                else:
                    spoiled = "XX" + node.value + "XX"
                    add(node, f"{node.value!r} → {spoiled!r}", repr(spoiled))
            elif isinstance(node, ast.BinOp | ast.BoolOp | ast.Compare):
                pairs = (list(zip(node.values, node.values[1:], strict=False))
                         if isinstance(node, ast.BoolOp)
                         else [(node.left, node.right)] if isinstance(node, ast.BinOp)
                         else list(zip([node.left, *node.comparators], node.comparators, strict=False)))
                for left, right in pairs:
                    lo, hi, op = between(left, right)
                    word = op.strip().strip("()").strip()
                    table = ({"and": "or", "or": "and"} if isinstance(node, ast.BoolOp)
                             else BINARY if isinstance(node, ast.BinOp) else COMPARE)
                    swap = table.get(" ".join(word.split()))
                    if swap:
                        add(node, f"{word!r} → {swap!r}", op.replace(word, swap, 1), lo, hi)
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                lo = _span(node, starts)[0]
                add(node, "'not' dropped", "", lo, _span(node.operand, starts)[0])
    return mutants


def ordered_tests(module: str, selection: list[str]) -> list[str]:
    """The test files to run, -x: those mutmut saw call the module first, then the rest,
    quickest first. Files, not test ids: a constant may name a test (a parametrized id)."""
    stats_file = MUTANTS / "mutmut-stats.json"
    if not stats_file.exists():
        return selection
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    prefix = module.removesuffix(".py").replace("/", ".") + "."
    near = {t.partition("::")[0] for name, tests in stats["tests_by_mangled_function_name"].items()
            if name.startswith(prefix) for t in tests}
    took: dict[str, float] = {}
    for test, seconds in stats["duration_by_test"].items():
        took[test.partition("::")[0]] = took.get(test.partition("::")[0], 0.0) + seconds
    return sorted(selection, key=lambda f: (f not in near, took.get(f, 0.0), f))


def run_constants(modules: list[str], cfg: Config) -> dict[str, tuple[str, Mutant]]:
    results: dict[str, tuple[str, Mutant]] = {}
    with tempfile.TemporaryDirectory(prefix="qcdesk-mutate-") as tmp:
        work = Path(tmp)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        shutil.copytree(ROOT / "qcdesk", work / "qcdesk", ignore=ignore)
        shutil.copytree(ROOT / "tests", work / "tests", ignore=ignore)
        shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
        env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
        for module in modules:
            mutants = constant_mutants(module, module in cfg.sql)
            tests = ordered_tests(module, cfg.selection)
            print(f"constants: {len(mutants)} mutant(s) of {module}", flush=True)
            target = work / module
            original = target.read_text(encoding="utf-8")
            for mutant in mutants:
                target.write_text(mutant.source, encoding="utf-8")
                try:
                    command = [sys.executable, "-m", "pytest", "-x", "-q", *cfg.pytest_args, *tests]
                    done = subprocess.run(command, cwd=work, env=env, timeout=TIMEOUT_S, capture_output=True,
                                          check=False)
                    said = (done.stdout + done.stderr).decode(errors="replace")
                    if done.returncode == 4 and "ImportError while loading conftest" not in said:
                        # pytest refused its command line: nothing was tested, nothing killed
                        sys.exit(f"pytest refused its command for {mutant.name}:\n{said[-2000:]}")
                    # 0: every test passed; 5: none collected; else a test failed, or the mutant
                    # broke the import of the package (4: the conftest could not load it)
                    status = {0: SURVIVED, 5: NO_TESTS}.get(done.returncode, KILLED)
                except subprocess.TimeoutExpired:
                    status = TIMEOUT
                results[mutant.name] = (status, mutant)
                if status == SURVIVED:
                    print(f"  survived: {mutant.name}  {mutant.what}", flush=True)
            target.write_text(original, encoding="utf-8")
    saved = {n: [s, m.what] for n, (s, m) in results.items()}
    CONSTANTS_RESULT.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
    return results


# ------------------------------------------------------------------ the report


def listed_equivalents() -> set[str]:
    text = EQUIVALENTS.read_text(encoding="utf-8") if EQUIVALENTS.exists() else ""
    return set(re.findall(r"`([^`\s]+)`", text))


def report(modules: list[str], from_mutmut: dict[str, str], constants: dict[str, str],
           whats: dict[str, str]) -> int:
    listed = listed_equivalents()
    rows, unlisted, total_caught, total_all = [], [], 0, 0
    print()
    print(f"{'module':<24}{'mutants':>9}{'caught':>8}{'survived':>10}{'score':>9}")
    for module in modules:
        prefix = module.removesuffix(".py").replace("/", ".") + "."
        statuses = {n: s for n, s in from_mutmut.items() if n.startswith(prefix)}
        statuses |= {n: s for n, s in constants.items() if n.startswith(module + ":")}
        caught = sum(s in CAUGHT for s in statuses.values())
        survivors = sorted(n for n, s in statuses.items() if s not in CAUGHT)
        score = 100 * caught / len(statuses) if statuses else 100.0
        print(f"{module:<24}{len(statuses):>9}{caught:>8}{len(survivors):>10}{score:>8.1f}%")
        rows.append(survivors)
        total_caught += caught
        total_all += len(statuses)
        for name in survivors:
            if name not in listed:
                unlisted.append(name)
    score = 100 * total_caught / total_all if total_all else 100.0
    print(f"{'all':<24}{total_all:>9}{total_caught:>8}{total_all - total_caught:>10}{score:>8.1f}%")
    survivors = [n for r in rows for n in r]
    print(f"\n{len(survivors)} survivor(s); {len(survivors) - len(unlisted)} listed as equivalent in "
          f"{EQUIVALENTS.relative_to(ROOT)}")
    for name in unlisted:
        status = from_mutmut.get(name) or constants.get(name)
        print(f"  NOT LISTED ({status}): {name}  {whats.get(name, '')}")
    if unlisted:
        print("  (mutmut show NAME prints a mutmut mutant's change)")
    return 1 if unlisted else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="only these modules (default: all configured)")
    parser.add_argument("--report", action="store_true", help="only print the report of the last run")
    parser.add_argument("--constants", action="store_true",
                        help="only the second pass, with the last mutmut run's results (while adding tests)")
    args = parser.parse_args()
    cfg = config()
    chosen = [m for m in cfg.modules if not args.modules or m in args.modules]
    if unknown := set(args.modules) - set(cfg.modules):
        parser.error("not in pyproject.toml [tool.mutmut] only_mutate: " + ", ".join(sorted(unknown)))
    start = time.monotonic()
    if not args.report:
        if not args.constants:
            run_mutmut(chosen, every=chosen == cfg.modules)
            print(f"mutmut done in {(time.monotonic() - start) / 60:.1f} min", flush=True)
        run_constants(chosen, cfg)
    if not CONSTANTS_RESULT.exists():
        sys.exit("no run to report: run ./dev mutate first")
    saved = json.loads(CONSTANTS_RESULT.read_text(encoding="utf-8"))
    constants = {n: s for n, (s, _w) in saved.items()}
    whats = {n: w for n, (_s, w) in saved.items()}
    code = report(chosen, mutmut_results(), constants, whats)
    if not args.report:
        print(f"\n./dev mutate took {(time.monotonic() - start) / 60:.1f} min")
    return code


if __name__ == "__main__":
    sys.exit(main())
