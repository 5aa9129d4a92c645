"""MuJoCo's OpenGL renderer behind the :class:`~memory_bench.engine.render.Renderer` interface."""

from __future__ import annotations

import mujoco
import numpy as np

from memory_bench._gl import GL_BACKENDS, check_gl_backend

__all__ = ["GL_BACKENDS", "MujocoGLRenderer", "check_gl_backend"]


def _backend_mujoco_loaded() -> str | None:
    """The MUJOCO_GL value mujoco read when it was imported (None if unknown)."""
    try:
        from mujoco.rendering.classic import gl_context
    except ImportError:  # pragma: no cover - other mujoco layouts
        return None
    value = getattr(gl_context, "_MUJOCO_GL", None)
    if value is None:
        return None
    return value or ("glfw" if "glfw" in GL_BACKENDS else None)


class MujocoGLRenderer:
    """Offscreen rendering with ``mujoco.Renderer`` (EGL, OSMesa or GLFW per ``MUJOCO_GL``).

    The model is compiled once per environment and keeps its textures, so one GL
    context and one ``mjrContext`` serve every reset.
    """

    def __init__(self, model: mujoco.MjModel, height: int, width: int):
        backend = check_gl_backend()
        chosen = _backend_mujoco_loaded()
        if chosen is not None and chosen != backend:
            raise RuntimeError(
                f"mujoco was imported with MUJOCO_GL={chosen or '(unset)'} before memory_bench set "
                f"MUJOCO_GL={backend}; MuJoCo keeps its first choice. Set MUJOCO_GL before importing "
                f"mujoco (or import memory_bench first), or use renderer='cpu'"
            )
        self.height, self.width = height, width
        self._renderer = mujoco.Renderer(model, height, width)

    def render(self, data: mujoco.MjData, camera: int, out: np.ndarray) -> np.ndarray:
        self._renderer.update_scene(data, camera=camera)
        return self._renderer.render(out=out)

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
