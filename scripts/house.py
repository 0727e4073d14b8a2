#!/usr/bin/env python3
"""Draw the house from its imports: which part of MotCua imports which, layer by layer.

    .venv/bin/python scripts/house.py          # the drawing CONTRIBUTING.md shows
    .venv/bin/python scripts/house.py --dot    # the same graph for Graphviz (| dot -Tsvg)

The parts and their layers are read from the layers contract of `[tool.importlinter]` in
pyproject.toml (the one `lint-imports` checks); the arrows from the real imports of every module,
found by grimp (import-linter's own import graph). An arrow from a lower layer to an upper one is
printed under "Arrows up" and makes the script exit 1; so does a module in no layer.
tests/test_house.py runs it and checks that CONTRIBUTING.md shows its current drawing.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPOSITION = "portal (composition)"


@dataclass(frozen=True)
class House:
    roots: tuple[str, ...]
    # The parts, top layer first; each layer is a tuple of (part name, its module prefixes).
    layers: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]
    # Sibling parts that may not import each other ("|" in the contract).
    independent: frozenset[str]

    def layer_of(self) -> dict[str, int]:
        return {part: n for n, layer in enumerate(self.layers) for part, _ in layer}

    def part_of(self, module: str) -> str | None:
        """The part a module belongs to (the longest prefix that names it), or None."""
        best: tuple[int, str] | None = None
        for layer in self.layers:
            for part, prefixes in layer:
                for prefix in prefixes:
                    if (module == prefix or module.startswith(prefix + ".")) and (
                        best is None or len(prefix) > best[0]
                    ):
                        best = (len(prefix), part)
        # The project package's own __init__ is the composition's.
        if best is None and module == "portal":
            return COMPOSITION
        return best[1] if best else None


def read_house(pyproject: Path = ROOT / "pyproject.toml") -> House:
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    layers = []
    independent: set[str] = set()
    for n, spec in enumerate(contract["layers"]):
        sep = "|" if "|" in spec else ":"
        names = [name.strip() for name in spec.split(sep)]
        if n == 0:
            # The top layer is the composition: the portal's own modules, listed one by one in
            # the contract, drawn as one part.
            layers.append(((COMPOSITION, tuple(names)),))
            continue
        layers.append(tuple((name, (name,)) for name in names))
        if sep == "|":
            independent.update(names)
    return House(tuple(config["root_packages"]), tuple(layers), frozenset(independent))


def module_edges(roots: Iterable[str]) -> set[tuple[str, str]]:
    """Every (importer, imported) pair of modules inside the root packages."""
    import grimp

    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*roots, cache_dir=None)
    return {
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
    }


@dataclass(frozen=True)
class Drawing:
    arrows: dict[str, set[str]]  # part -> the parts it imports
    up: list[tuple[str, str]]  # (importer module, imported module) going up or across "|"
    unplaced: list[str]  # modules in no layer


def draw(house: House, edges: Iterable[tuple[str, str]]) -> Drawing:
    layer = house.layer_of()
    arrows: dict[str, set[str]] = {part: set() for part in layer}
    up: list[tuple[str, str]] = []
    unplaced: set[str] = set()
    for importer, imported in edges:
        source, target = house.part_of(importer), house.part_of(imported)
        for module, part in ((importer, source), (imported, target)):
            if part is None:
                unplaced.add(module)
        if source is None or target is None or source == target:
            continue
        arrows[source].add(target)
        siblings = layer[source] == layer[target]
        if layer[source] > layer[target] or (
            siblings and source in house.independent and target in house.independent
        ):
            up.append((importer, imported))
    return Drawing(arrows, sorted(up), sorted(unplaced))


def render(house: House, drawing: Drawing) -> str:
    order = [part for layer in house.layers for part, _ in layer]
    layer = house.layer_of()
    width = max(len(part) for part in order)
    lines = [f"{'layer':<6} {'part':<{width}}  imports"]
    for part in order:
        targets = sorted(drawing.arrows[part], key=lambda p: (order.index(p), p))
        lines.append(
            f"{len(house.layers) - layer[part]:<6} {part:<{width}}  "
            + (", ".join(targets) if targets else "(nothing of the project)")
        )
    lines.append("")
    lines.append(
        "Arrows up: "
        + ("none" if not drawing.up else "; ".join(f"{a} -> {b}" for a, b in drawing.up))
    )
    lines.append(
        "Modules in no layer: " + ("none" if not drawing.unplaced else ", ".join(drawing.unplaced))
    )
    return "\n".join(lines)


def render_dot(house: House, drawing: Drawing) -> str:
    lines = ["digraph house {", "  rankdir=TB; node [shape=box];"]
    for layer in house.layers:
        names = " ".join(f'"{part}";' for part, _ in layer)
        lines.append(f"  {{ rank=same; {names} }}")
    for source, targets in drawing.arrows.items():
        for target in sorted(targets):
            lines.append(f'  "{source}" -> "{target}";')
    lines.append("}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    house = read_house()
    drawing = draw(house, module_edges(house.roots))
    print(render_dot(house, drawing) if "--dot" in argv else render(house, drawing))
    return 1 if drawing.up or drawing.unplaced else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
