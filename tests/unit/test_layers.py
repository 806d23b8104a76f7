"""The layers point one way, and the unit tier stays pure.

    core ← language ← services ← conversation/dialogue ← actions, channels, CLI
                       ↑
            adapters/db (implements the services' unit of work)

The conversation layer (``assistant/conversation/``) knows neither Rasa nor the actions; the actions
import one another without a cycle (function-level imports included) and never run one another.

Read from the source (every ``import``, function-level ones included, ``if TYPE_CHECKING:`` ones
excepted), so a forbidden import fails here even on a path no other test runs.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "assistant"

#: Libraries that make a process heavy or need a server: never in the core, the language toolkit or the unit tier.
FRAMEWORKS = ("rasa", "rasa_sdk", "sqlalchemy", "alembic", "psycopg2", "sanic", "twilio", "redis", "duckling", "spacy")
UNIT_TIER_FORBIDDEN = ("rasa", "rasa_sdk", "duckling", "sqlalchemy")

#: What each layer may import from ``assistant`` (prefixes); anything else of ours is an upward import.
ALLOWED = {
    "assistant.core": ("assistant.core", "assistant.clock"),
    "assistant.language": ("assistant.core", "assistant.clock", "assistant.language"),
    "assistant.services": ("assistant.core", "assistant.clock", "assistant.language", "assistant.services"),
    # The dialogue's phrasing, answers and reading helpers, until the French toolkit has them all.
    "assistant.conversation": (
        "assistant.core",
        "assistant.clock",
        "assistant.language",
        "assistant.conversation",
        "assistant.dialogue.answers",
        "assistant.dialogue.failures",
        "assistant.dialogue.speech",
        "assistant.dialogue.understanding",
    ),
}
FORBIDDEN_FRAMEWORKS = {
    "assistant.core": FRAMEWORKS,
    "assistant.language": FRAMEWORKS,
    "assistant.services": FRAMEWORKS,
    "assistant.conversation": FRAMEWORKS,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, module_level_only: bool = False) -> set[str]:
    """The modules ``path`` imports (absolute names; relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node):
                visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                found.add(base)
                found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
            if module_level_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                children = getattr(node, field, None)
                if isinstance(children, list) and children and isinstance(children[0], (ast.stmt, ast.excepthandler)):
                    visit(children)  # type: ignore[arg-type]

    visit(tree.body)
    return found


def modules_of(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_a_layer_imports_only_what_is_below_it(layer):
    wrong = []
    for path in modules_of(layer):
        for name in sorted(imports(path)):
            if name.startswith("assistant") and not _under(name, ALLOWED[layer]):
                wrong.append(f"{module_name(path)} imports {name}")
            if _under(name, FORBIDDEN_FRAMEWORKS[layer]):
                wrong.append(f"{module_name(path)} imports the framework {name}")
    assert not wrong, "\n".join(wrong)


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the groups of modules that import each other (size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_no_import_cycle_in_the_package():
    """Module-level imports only (an import inside a function is how a cycle is deliberately broken)."""
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        targets = set()
        for imported in imports(path, module_level_only=True):
            # "from assistant.core import sms" names a module; "from assistant.core.sms import X" names its module.
            while imported and imported not in paths:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    assert _strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_the_actions():
    """Function-level imports included: among the actions, a local import would only hide a cycle."""
    paths = {module_name(path): path for path in (ROOT / "actions").glob("*.py")}
    graph = {
        name: {target for target in imports(path) if target in paths and target != name} for name, path in paths.items()
    }
    assert _strongly_connected(graph) == []


def test_no_action_runs_another_action():
    """ "ActionX().act(...)" or ".run(" on another action: shared work is a function, not an action."""
    wrong = []
    for path in sorted((ROOT / "actions").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("act", "run")
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id.startswith(("Action", "Validate"))
            ):
                wrong.append(f"{path.name}:{node.lineno} runs {node.value.func.id}")
    assert not wrong, "\n".join(wrong)


def test_the_unit_tier_imports_neither_rasa_nor_duckling_nor_sqlalchemy():
    """Every unit test module (and the shared conftest), imported in a fresh interpreter."""
    names = ["tests.conftest"] + [f"tests.unit.{path.stem}" for path in sorted(Path(__file__).parent.glob("test_*.py"))]
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({UNIT_TIER_FORBIDDEN!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
