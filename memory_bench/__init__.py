"""memory_bench: memory benchmarks for reinforcement learning, on MuJoCo.

Importing the package registers every env id with gymnasium, so that
``gymnasium.make("memory_bench:MemoryMaze-9x9-v0")`` works (gymnasium imports the
module named before the colon).
"""

from memory_bench._gl import configure_default

# MuJoCo picks its OpenGL backend when it is first imported. EGL runs headless (with
# a GPU or with Mesa's software EGL); set MUJOCO_GL yourself to choose osmesa or glfw.
configure_default()

from memory_bench.registry import ENVS, families, register_all  # noqa: E402

__version__ = "0.1.0"
__all__ = ["ENVS", "families", "register_all", "__version__"]

register_all()
