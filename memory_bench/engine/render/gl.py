"""MuJoCo's OpenGL renderer behind the :class:`~memory_bench.engine.render.Renderer` interface."""

from __future__ import annotations

import mujoco
import numpy as np

from memory_bench._gl import GL_BACKENDS, check_gl_backend
from memory_bench.engine.render import model_version

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
        self._model = model
        self._renderer = mujoco.Renderer(model, height, width)
        self._version = model_version(model)
        self._seen = self._version[0]

    def render(self, data: mujoco.MjData, camera: int, out: np.ndarray) -> np.ndarray:
        if self._version[0] != self._seen:
            self._seen = self._version[0]
            self._upload_heightfields()
        self._renderer.update_scene(data, camera=camera)
        return self._renderer.render(out=out)

    def _upload_heightfields(self) -> None:
        """A level rewrote a heightfield's data (a new terrain): MuJoCo's GL context
        keeps its own copy, re-uploaded here."""
        m = self._model
        if not m.nhfield:
            return
        self._renderer._gl_context.make_current()
        for h in range(m.nhfield):
            mujoco.mjr_uploadHField(m, self._renderer._mjr_context, h)

    def set_fog(self, start: float, end: float, rgb) -> None:
        """MuJoCo's fog (see the cpu renderer's ``set_fog``; distances in model units)."""
        m = self._model
        flags = self._renderer.scene.flags
        if rgb is None:
            flags[mujoco.mjtRndFlag.mjRND_FOG] = 0
            return
        extent = float(m.stat.extent)
        m.vis.map.fogstart = start / extent
        m.vis.map.fogend = end / extent
        m.vis.rgba.fog = (*map(float, rgb), 1.0)
        flags[mujoco.mjtRndFlag.mjRND_FOG] = 1

    def close(self) -> None:
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
