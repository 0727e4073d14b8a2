"""Synthetic dossiers for the demo and for benchmarks, written in bulk (see `dossiers.py`)."""

from applications.generation.dossiers import generate_dossiers

__all__ = ["generate_dossiers"]
