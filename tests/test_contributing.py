"""CONTRIBUTING.md names only what exists: every path it puts in backticks, and every dotted
name of the project's packages (issue 9: the guide for the next person must not go stale)."""

import importlib
import inspect
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
# Code blocks are code, checked by the tests of what they show; the prose's backticks are names.
NAMES = set(re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", TEXT, flags=re.S)))
FILE_ENDINGS = (".py", ".md", ".toml", ".html", ".sql", ".yaml", ".yml", ".po", ".json", ".txt")
PACKAGES = ("portal", "applications", "feedback", "procedures")
SKIPPED_PARTS = {".venv", ".git", "var", "node_modules"}


def _paths() -> list[str]:
    found = []
    for name in NAMES:
        if " " in name or "<" in name or "*" in name or name.startswith(("/", "../", ".venv/")):
            continue  # a command, a pattern, a URL, the shared design files, the environment
        if "/" in name or name.endswith(FILE_ENDINGS):
            found.append(name)
    return sorted(found)


def _exists(name: str) -> bool:
    """A path from the repository's root exists there; a name within a part ("`models/`",
    "`states.py`") exists somewhere in the repository."""
    if (ROOT / name.split("/")[0]).exists():
        return (ROOT / name).exists()
    pattern = name.rstrip("/")
    return any(
        SKIPPED_PARTS.isdisjoint(path.relative_to(ROOT).parts) for path in ROOT.rglob(pattern)
    )


def _resolves(dotted: str) -> bool:
    """A module, or an attribute of one, or an app label and model (`portal.Counter`)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attribute in parts[cut:]:
                target = getattr(target, attribute)
        except AttributeError:
            break
        return True
    if len(parts) == 2:
        try:
            apps.get_model(*parts)
        except LookupError:
            return False
        return True
    return False


def test_the_guide_names_files_and_folders():
    assert len(_paths()) > 50


def test_every_path_the_guide_names_exists():
    missing = [name for name in _paths() if not _exists(name)]
    assert not missing, f"CONTRIBUTING.md names paths that do not exist: {missing}"


def test_every_dotted_name_the_guide_gives_resolves():
    dotted = sorted(
        match.group(1)
        for name in NAMES
        if (match := re.fullmatch(rf"((?:{'|'.join(PACKAGES)})(?:\.\w+)+)(?:\(.*\))?", name))
    )
    assert len(dotted) > 5
    unresolved = [name for name in dotted if not _resolves(name)]
    assert not unresolved, f"CONTRIBUTING.md names what the code no longer has: {unresolved}"


def test_a_stale_path_would_be_caught():
    assert not _exists("applications/views.py")
    assert not _exists("no_such_module.py")
    assert not _resolves("applications.services.dossier_no_such_action")


def _stripped(lines) -> list[str]:
    """The lines without their indentation, or the comma that ends an item of a tuple (a row
    quoted alone is formatted without it)."""
    return [line.strip().rstrip(",") for line in lines if line.strip()]


def test_every_code_snippet_of_the_guide_is_the_code_as_it_stands():
    """The worked examples quote the code: each Python block is found, line for line (the
    indentation aside), in one of the project's modules."""
    blocks = [
        _stripped(block.splitlines())
        for block in re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
    ]
    assert len(blocks) >= 3
    sources = [
        _stripped(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    ]

    def quoted(block: list[str]) -> bool:
        return any(
            source[i : i + len(block)] == block
            for source in sources
            for i in range(len(source) - len(block) + 1)
            if source[i] == block[0]
        )

    stale = [block[0] for block in blocks if not quoted(block)]
    assert not stale, f"CONTRIBUTING.md quotes code that is no longer there: {stale}"


def test_the_service_signatures_the_guide_gives_are_the_services():
    from applications import services

    quoted = re.findall(r"`(dossier_\w+)\(([^`]*)\)`", TEXT)
    assert quoted
    for name, params in quoted:
        signature = inspect.signature(getattr(services, name))
        actual = ", ".join(
            ("*, " if p.kind is p.KEYWORD_ONLY and i == 0 else "")
            + p.name
            + ("" if p.default is p.empty else f"={p.default!r}".replace("'", '"'))
            for i, p in enumerate(signature.parameters.values())
        )
        assert params == actual, name
