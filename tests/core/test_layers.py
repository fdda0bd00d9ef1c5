"""How the modules of vinculo import each other. The layers between apps are import-linter's
contract in pyproject.toml (run by .ci/run); these two checks go inside the apps:

- no module imports one that imports it back, however far round;
- an import inside a function is only where it must be: in the command line (it configures
  Django before the apps load), in an AppConfig.ready(), in the import's helper process (it
  starts before Django is set up), or for a heavy library only some commands use.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

SOURCE = Path(__file__).resolve().parents[2] / "src" / "vinculo"
# Loaded only by the commands that need them: the batch linkage, spreadsheets, the server.
HEAVY = ("splink", "duckdb", "pyarrow", "openpyxl", "waitress", "redis")


def _modules() -> list[str]:
    graph = grimp.build_graph("vinculo")
    return [m for m in graph.modules if ".migrations" not in m], graph


def test_no_module_imports_one_that_imports_it_back():
    modules, graph = _modules()
    cycles = set()
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if ".migrations" in imported:
                continue
            if graph.find_shortest_chain(importer=imported, imported=module):
                cycles.add(tuple(sorted((module, imported))))
    assert not cycles, f"modules that import each other: {sorted(cycles)}"


def _imports_in_functions(path: Path) -> list[tuple[str, int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    found.append((node.name, inner.lineno, inner.module or ""))
                elif isinstance(inner, ast.Import):
                    found.extend((node.name, inner.lineno, a.name) for a in inner.names)
    return found


def _allowed(path: Path, function: str, module: str) -> bool:
    relative = path.relative_to(SOURCE).as_posix()
    return (
        relative == "cli.py"
        or (path.name == "apps.py" and function == "ready")
        or relative == "imports/helper.py"
        or module.split(".")[0] in HEAVY
        or not module.startswith(("vinculo", "django"))
    )


def test_imports_inside_functions_are_only_where_they_must_be():
    hidden = [
        f"{path.relative_to(SOURCE)}:{line} {function}() imports {module}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for function, line, module in _imports_in_functions(path)
        if not _allowed(path, function, module)
    ]
    assert not hidden, "\n".join(hidden)


def test_the_check_finds_an_import_hidden_in_a_function(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("def f():\n    from vinculo.core import models\n")
    assert _imports_in_functions(source) == [("f", 2, "vinculo.core")]
