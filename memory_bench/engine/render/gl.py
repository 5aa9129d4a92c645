"""MuJoCo's OpenGL renderer behind the :class:`~memory_bench.engine.render.Renderer` interface."""

from __future__ import annotations

import os

import mujoco
import numpy as np

#: Values of ``MUJOCO_GL`` that select a working OpenGL backend.
GL_BACKENDS = ("egl", "osmesa", "glfw")


def check_gl_backend() -> str:
    """Returns the ``MUJOCO_GL`` backend in use, or raises if its value is not supported."""
    backend = os.environ.get("MUJOCO_GL", "egl")
    if backend.lower() not in GL_BACKENDS:
        raise ValueError(
            f"MUJOCO_GL={backend!r} is not supported by memory_bench's 'mujoco' renderer; "
            f"set it to one of {', '.join(GL_BACKENDS)} (egl or osmesa run headless)"
        )
    return backend.lower()


class MujocoGLRenderer:
    """Offscreen rendering with ``mujoco.Renderer`` (EGL, OSMesa or GLFW per ``MUJOCO_GL``).

    The model is compiled once per environment and keeps its textures, so one GL
    context and one ``mjrContext`` serve every reset.
    """

    def __init__(self, model: mujoco.MjModel, height: int, width: int):
        check_gl_backend()
        self.height, self.width = height, width
        self._renderer = mujoco.Renderer(model, height, width)

    def render(self, data: mujoco.MjData, camera: int, out: np.ndarray) -> np.ndarray:
        self._renderer.update_scene(data, camera=camera)
        return self._renderer.render(out=out)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
