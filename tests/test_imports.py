"""The import rules of the package layout: layers, private names, no cycles."""

import ast
from pathlib import Path

import pytest

import skfrl

ROOT = Path(skfrl.__file__).parent
#: skfrl's one sanctioned private import across packages: the shim of
#: scikit-learn's private parameter validation
SHIM = "skfrl.utils._param_validation"
#: package -> the skfrl packages it may import (STYLE.md, "Architecture")
ALLOWED = {
    "utils": set(),
    "base": {"utils"},
    "nn": set(),
    "models": {"nn", "base", "utils"},
    "metrics": {"utils"},
    "datasets": {"utils"},
    "attacks": {"base", "nn", "utils"},
    "defences": {"base", "nn", "utils"},
    "theory": {"nn", "utils"},
    "persistence": {"attacks", "models", "utils"},
}
#: the test helpers of utils/ may import what they check
HELPERS = {
    "skfrl.utils.discovery",
    "skfrl.utils.estimator_checks",
    "skfrl.utils.sanitiser_checks",
}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(name, path, *, top_level_only):
    """Yield ``(module, imported names)`` of every skfrl import in ``path``."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] == "skfrl":
                yield module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "skfrl":
                    yield alias.name, []


def _package(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


MODULES = dict(_modules())


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_of_another_package_is_imported(name):
    for module, names in _imports(name, MODULES[name], top_level_only=False):
        if _package(module) == _package(name) or module == SHIM:
            continue
        private = [
            part
            for part in module.split(".")[1:] + names
            if part.startswith("_") and not part.endswith("__")
        ]
        assert not private, f"{name} imports the private {private} of {module}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_point_down_the_layers(name):
    allowed = ALLOWED.get(_package(name))
    if allowed is None or name in HELPERS:
        return  # experiments/ sits on top and may import every layer
    for module, _ in _imports(name, MODULES[name], top_level_only=False):
        target = _package(module)
        assert target in allowed | {_package(name), ""}, (
            f"{name} imports {module}, outside its layer ({sorted(allowed)})"
        )


def test_no_import_cycle_between_modules():
    graph = {}
    for name, path in MODULES.items():
        targets = set()
        for module, names in _imports(name, path, top_level_only=False):
            candidates = [f"{module}.{n}" for n in names] + [module]
            targets.update(c for c in candidates if c in MODULES and c != name)
        graph[name] = targets
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for target in graph[node]:
            if state.get(target) == "open":
                cycle = trail[trail.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            elif target not in state:
                visit(target, trail + [target])
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [node])
