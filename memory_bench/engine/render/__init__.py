"""Renderers: turn a world state into pixels.

Every backend implements :class:`Renderer` and is created through :func:`make_renderer`,
so the environments never depend on one backend:

* ``"cpu"`` (the default): a numba ray caster that reads the scene from the model;
  no OpenGL, and the same pixels on every machine.
* ``"mujoco"``: MuJoCo's own OpenGL renderer (``mujoco.Renderer``), headless through
  EGL or OSMesa, or GLFW with a display; the backend is picked by ``MUJOCO_GL``.
"""

from __future__ import annotations

import weakref
from typing import Protocol

import mujoco
import numpy as np

RENDERERS = ("cpu", "mujoco")
DEFAULT_RENDERER = "cpu"


class Renderer(Protocol):
    """Draws one camera of a MuJoCo world into an ``(height, width, 3)`` uint8 array."""

    height: int
    width: int

    def render(self, data: mujoco.MjData, camera: int, out: np.ndarray) -> np.ndarray:
        """Renders ``camera`` of the current state of ``data`` into ``out`` and returns it."""
        ...

    def close(self) -> None:
        ...


_VERSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def model_version(model: mujoco.MjModel) -> list[int]:
    """The change counter of ``model``: a one-element list that :func:`model_changed`
    increments. Renderers keep it and compare its value at every frame, which costs
    next to nothing, instead of comparing model arrays."""
    counter = _VERSIONS.get(model)
    if counter is None:
        counter = _VERSIONS[model] = [0]
    return counter


def model_changed(model: mujoco.MjModel) -> None:
    """Tells every renderer of ``model`` that model arrays deciding what is shown
    (geom groups, materials, colours) were written; their next frame re-reads them.
    Whoever writes such arrays after a renderer is made must call it."""
    model_version(model)[0] += 1


def make_renderer(name: str, model: mujoco.MjModel, height: int, width: int, parallel: bool = False) -> Renderer:
    """Creates the renderer backend ``name`` (one of :data:`RENDERERS`) for ``model``."""
    if name == "cpu":
        from memory_bench.engine.render.cpu import CpuRenderer

        return CpuRenderer(model, height, width, parallel=parallel)
    if name == "mujoco":
        from memory_bench.engine.render.gl import MujocoGLRenderer

        return MujocoGLRenderer(model, height, width)
    raise ValueError(f"unknown renderer {name!r}; choose one of {', '.join(map(repr, RENDERERS))}")
