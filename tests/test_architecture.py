"""Dependencies point one way: feature apps use the core; moderation uses forum and cafés; the core imports
no feature app (DESIGN.md, Architecture). Checked on the source, so a new import that breaks it fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FEATURE_APPS = {"forum", "messaging", "toolbox", "cafes", "moderation"}
# Who may import whom, besides the core and libraries.
ALLOWED = {
    "reconnect": set(),
    "forum": set(),
    "messaging": set(),
    "toolbox": set(),
    "cafes": {"toolbox", "forum"},  # a café may point to an exercise or a thread to reflect on
    "moderation": {"forum", "cafes", "messaging"},
}


def imported_top_level_packages(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0], node.lineno


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_app_imports_only_what_the_design_allows(app):
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        for package, line in imported_top_level_packages(path):
            if package in FEATURE_APPS and package != app and package not in ALLOWED[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {package}")
    assert not wrong, "Dependencies must point one way:\n" + "\n".join(wrong)


def test_the_check_sees_an_import_it_must_refuse(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("from forum.models import Post\nimport toolbox.services\n")
    assert [p for p, _ in imported_top_level_packages(source)] == ["forum", "toolbox"]
