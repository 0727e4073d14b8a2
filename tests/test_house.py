"""The house drawn from its imports (issue 9): the kernel at the bottom, no arrow back up, every
module in a layer, and CONTRIBUTING.md showing the drawing `scripts/house.py` prints today."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("house", ROOT / "scripts" / "house.py")
assert _spec is not None
assert _spec.loader is not None
house = importlib.util.module_from_spec(_spec)
sys.modules["house"] = house  # dataclasses look their module up by name
_spec.loader.exec_module(house)


@pytest.fixture(scope="module")
def plan():
    return house.read_house()


@pytest.fixture(scope="module")
def drawing(plan):
    return house.draw(plan, house.module_edges(plan.roots))


def test_no_module_imports_a_layer_above_its_own(drawing):
    assert drawing.up == []


def test_every_module_of_the_project_is_in_a_layer(drawing):
    assert drawing.unplaced == []


def test_the_kernel_is_at_the_bottom_and_imports_only_the_kernel(plan, drawing):
    assert [part for part, _ in plan.layers[-1]] == ["portal.core"]
    kernel = {"portal.core", "portal.accounts", "portal.notifications"}
    assert {part for layer in plan.layers[-2:] for part, _ in layer} == kernel
    for part in kernel:
        assert drawing.arrows[part] <= kernel, part
    assert drawing.arrows["portal.core"] == set()


def test_the_domains_never_import_each_other(drawing):
    assert "feedback" not in drawing.arrows["applications"]
    assert "applications" not in drawing.arrows["feedback"]


def test_an_import_up_a_layer_or_across_the_domains_is_drawn_as_an_arrow_up(plan):
    edges = [
        ("portal.core.errors", "applications.models"),
        ("applications.access", "feedback.models"),
        ("procedures.models", "portal.core.errors"),
        ("portal.brandnew", "portal.core.errors"),
    ]
    found = house.draw(plan, edges)
    assert found.up == [
        ("applications.access", "feedback.models"),
        ("portal.core.errors", "applications.models"),
    ]
    assert found.unplaced == ["portal.brandnew"]
    assert "Arrows up: applications.access -> feedback.models" in house.render(plan, found)


def test_contributing_shows_the_current_drawing(plan, drawing):
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    shown = re.search(r"<!-- house -->\n```text\n(.*?)\n```", text, re.S)
    assert shown, "CONTRIBUTING.md has lost its drawing (the block after <!-- house -->)"
    assert shown.group(1) == house.render(plan, drawing), (
        "Paste the output of `.venv/bin/python scripts/house.py` into CONTRIBUTING.md"
    )
