"""MuJoCo's OpenGL renderer behind the :class:`~memory_bench.engine.render.Renderer` interface."""

from __future__ import annotations

import mujoco
import numpy as np

from memory_bench._gl import GL_BACKENDS, check_gl_backend

__all__ = ["GL_BACKENDS", "MujocoGLRenderer", "check_gl_backend"]


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
