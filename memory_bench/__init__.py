"""memory_bench: memory benchmarks for reinforcement learning, on MuJoCo.

Importing the package registers every env id with gymnasium, so that
``gymnasium.make("memory_bench:MemoryMaze-9x9-v0")`` works (gymnasium imports the
module named before the colon).
"""

import os

# MuJoCo picks its OpenGL backend when its renderer is first imported. EGL runs
# headless (with a GPU or with Mesa's software EGL); set MUJOCO_GL yourself to
# choose osmesa or glfw.
os.environ.setdefault("MUJOCO_GL", "egl")

from memory_bench.registry import ENVS, families, register_all  # noqa: E402

__version__ = "0.1.0"
__all__ = ["ENVS", "families", "register_all", "__version__"]

register_all()
