"""Benchmarks for the targets in ../shared/BENCHMARKS.md; `python -m bench [ID ...]` runs them."""
