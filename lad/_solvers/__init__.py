"""Solver drivers: Python outer loops around the Numba kernels, over plain arrays."""
