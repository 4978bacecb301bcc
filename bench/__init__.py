"""Benchmarks (``make bench``): not part of the test suite.

Each module here with a top-level ``main()`` is one benchmark, run by
``python -m bench`` (all of them) or ``python -m bench.<name>`` (one).
"""
