"""Numba kernels: plain functions over arrays, one per (algorithm, loss, layout)."""
