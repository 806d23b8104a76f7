"""The layers import downwards only: no cycle among the actions, no dialogue or framework in the core."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (a local import hides a cycle)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph`` (one path per cycle found by a depth-first walk)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def package_graph(package: str) -> dict[str, set[str]]:
    files = {module_name(path): path for path in (ROOT / package).rglob("*.py")}
    return {name: {target for target in imports_of(path) if target in files} for name, path in files.items()}


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_among_the_actions() -> None:
    assert cycles(package_graph("actions")) == []


def test_no_import_cycle_in_the_conversation_layer() -> None:
    assert cycles(package_graph("assistant/conversation")) == []


def test_the_conversation_layer_knows_nothing_of_rasa_nor_of_the_actions() -> None:
    for path in (ROOT / "assistant" / "conversation").rglob("*.py"):
        wrong = {name for name in imports_of(path) if name.split(".")[0] in ("rasa", "rasa_sdk", "actions")}
        assert not wrong, f"{module_name(path)} imports {sorted(wrong)}"


def test_the_core_imports_no_outer_layer() -> None:
    outer = ("language", "conversation", "dialogue", "adapters", "services")
    for path in (ROOT / "assistant" / "core").rglob("*.py"):
        wrong = {
            name
            for name in imports_of(path)
            if name.startswith("assistant.") and name.split(".")[1] in outer
        }
        assert not wrong, f"{module_name(path)} imports {sorted(wrong)}"


def test_no_action_runs_another_action() -> None:
    """ "ActionX().act(...)" or ".run(" on another action: shared work is a function, not an action."""
    for path in (ROOT / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("act", "run")
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id.startswith(("Action", "Validate"))
            ):
                raise AssertionError(f"{path.name}:{node.lineno} runs {node.value.func.id}")
