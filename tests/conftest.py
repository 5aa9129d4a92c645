"""Shared fixtures: headless rendering for every test."""

import os

os.environ.setdefault("MUJOCO_GL", "egl")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from memory_bench.engine.layout import open_room  # noqa: E402

#: A layout with only the outer walls: open space to measure motion in.
open_layout = open_room


@pytest.fixture
def open_env():
    """A 15x15 ExtraObs env whose maze is one open room (outer walls only), agent at
    rest at the middle of the left edge, facing +x, 6 targets in the corners region."""
    from memory_bench.envs.memory_maze import MemoryMazeEnv

    env = MemoryMazeEnv(15, extra_obs=True, camera_resolution=16)
    env.reset(seed=0)
    targets = [[1, 1], [1, 15], [15, 1], [15, 15], [2, 8], [14, 8]]
    lay = open_layout(15, targets)
    env.world.apply_layout(lay, np.zeros(9, dtype=np.int64), lay.object_cells, env.target_colors)
    env.world.spawn(lay.spawn_cells[0], 0.0)
    yield env
    env.close()
