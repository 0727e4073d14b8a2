"""No Python module over 400 lines outside migrations (STYLE.md, shape 13: split a module into a
package by sub-domain when it passes ~400 lines, re-exporting from `__init__.py`).

Today's oversized modules are listed with their line counts so the split can go module by
module: a listed module may shrink (lower its number here when it does, and drop it once it is
at 400 or under) but never grow, and no other module may pass 400."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
# Not the project's modules: environments, build output, generated migrations.
SKIPPED_PARTS = {".venv", "venv", ".git", "var", "node_modules", "build", "dist", "migrations"}

# path: lines when this guard was added (issue 9). Only ever lower these numbers.
OVERSIZED = {
    # Domain and web modules waiting for their split into packages.
    # Settings: one flat module by Django convention, read from the environment.
    "portal/settings/base.py": 512,
    # Benchmarks (bench/): scripts run by hand, not imported by the portal.
    # Test modules: one per specified module; to be split as those modules are.
}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED_PARTS.isdisjoint(relative.parts):
            yield relative.as_posix(), path


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def test_no_module_passes_400_lines_unless_listed_and_no_listed_one_grows():
    too_long = []
    for name, path in _modules():
        lines = _lines(path)
        allowed = max(LIMIT, OVERSIZED.get(name, LIMIT))
        if lines > allowed:
            too_long.append(f"{name}: {lines} lines (allowed {allowed})")
    assert not too_long, "Split these modules (STYLE.md shape 13):\n" + "\n".join(too_long)


@pytest.mark.parametrize("name", OVERSIZED)
def test_the_allowlist_holds_only_modules_over_the_limit(name):
    """A split module leaves the list: once it is gone or at 400 lines or under, remove it here
    (so it cannot grow back past 400 unnoticed)."""
    path = ROOT / name
    if not path.exists():
        pytest.skip(f"{name} is gone (split or moved): remove it from OVERSIZED")
    assert _lines(path) > LIMIT, f"{name} is within the limit now: remove it from OVERSIZED"
