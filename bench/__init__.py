"""The scale bench of issue 7: `python -m bench run|alerts|drill` (see docs/benchmarks.md)."""
