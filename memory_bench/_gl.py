"""Choice and validation of MuJoCo's OpenGL backend (``MUJOCO_GL``), before mujoco is imported.

MuJoCo reads ``MUJOCO_GL`` once, when ``mujoco`` is first imported, and fails on an
unknown value with a bare ``RuntimeError``; memory_bench checks the value first, so
that the error says what is allowed.
"""

from __future__ import annotations

import os
import platform

#: ``MUJOCO_GL`` values that give memory_bench's ``"mujoco"`` renderer a working context, per OS.
GL_BACKENDS: tuple[str, ...] = {
    "Linux": ("egl", "osmesa", "glfw"),
    "Darwin": ("cgl", "glfw"),
    "Windows": ("wgl", "glfw"),
}.get(platform.system(), ("glfw",))

#: Values with which MuJoCo turns OpenGL off (no ``"mujoco"`` renderer then).
GL_OFF = ("disable", "disabled", "off", "false", "0")


def _bad_value(value: str) -> ValueError:
    return ValueError(
        f"MUJOCO_GL={value!r} is not supported; set it to one of {', '.join(GL_BACKENDS)} "
        f"(egl and osmesa render headless), or one of {', '.join(GL_OFF)} to turn OpenGL off"
    )


def configure_default() -> None:
    """Defaults ``MUJOCO_GL`` to ``egl`` on Linux (headless, GPU or Mesa) and rejects unknown values."""
    if platform.system() == "Linux":
        os.environ.setdefault("MUJOCO_GL", "egl")
    value = os.environ.get("MUJOCO_GL")
    if value is not None and value.lower().strip() not in GL_BACKENDS + GL_OFF:
        raise _bad_value(value)


def check_gl_backend() -> str:
    """The backend the ``"mujoco"`` renderer will use; raises if ``MUJOCO_GL`` gives none."""
    value = os.environ.get("MUJOCO_GL", GL_BACKENDS[0])
    if value.lower().strip() not in GL_BACKENDS:
        raise _bad_value(value)
    return value.lower().strip()
