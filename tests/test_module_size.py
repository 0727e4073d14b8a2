"""No Python module over 400 lines outside migrations (STYLE.md, shape 13: split a module into a
package by sub-domain when it passes ~400 lines, re-exporting from `__init__.py`).

No exceptions: the modules once listed here (issue 9) are split."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
# Not the project's modules: environments, build output, generated migrations.
SKIPPED_PARTS = {".venv", "venv", ".git", "var", "node_modules", "build", "dist", "migrations"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS.isdisjoint(relative.parts):
            yield relative.as_posix(), path


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def test_no_module_passes_400_lines():
    too_long = []
    for name, path in _modules():
        lines = _lines(path)
        if lines > LIMIT:
            too_long.append(f"{name}: {lines} lines")
    assert not too_long, "Split these modules (STYLE.md shape 13):\n" + "\n".join(too_long)
