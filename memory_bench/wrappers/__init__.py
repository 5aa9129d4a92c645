"""Wrappers for memory_bench envs (probe outputs, resizing, vectorization): coming with the vector-env work.

Gymnasium's own wrappers already apply to every env of the package.
"""
