"""Benchmarks (not part of the test run): ``python -m benchmarks.graph_build --edges N``."""
