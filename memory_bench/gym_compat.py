"""The old gym API (gym < 0.26) over any memory_bench id, for Dreamer- and R2I-style
code bases written against the original ``memory-maze`` package.

Those code bases build their env with ``gym.make("memory_maze:MemoryMaze-9x9-v0")``
and then call ``reset() -> obs`` and ``step(action) -> (obs, reward, done, info)``.
:func:`make` gives exactly that, over the Gymnasium env of the same id::

    from memory_bench import gym_compat
    env = gym_compat.make("memory_maze:MemoryMaze-9x9-v0")   # was: gym.make(...)
    obs = env.reset()
    obs, reward, done, info = env.step(env.action_space.sample())

``done`` is ``terminated or truncated``; ``info["is_terminal"]`` is True only for a true
termination (Memory Maze never terminates: its episodes end by the time limit, so a
value function should bootstrap there), and ``info["TimeLimit.truncated"]`` marks a
time-limit end, as old gym's ``TimeLimit`` did. The spaces are Gymnasium's, which have
the ``shape``, ``dtype``, ``n`` and ``spaces`` attributes such code reads.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

#: Id prefixes accepted besides ``memory_bench:``: the original package's module
#: (``memory_maze:``) and its gym registration's spelling (``gym_memory_maze:``).
ALIASES = ("memory_maze:", "gym_memory_maze:", "memory_bench:")


def canonical_id(env_id: str) -> str:
    """A registered memory_bench id from any accepted spelling; ``ValueError`` names
    the id and where to find the registered ones."""
    from memory_bench.registry import ENVS

    name = str(env_id)
    for prefix in ALIASES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    else:
        if ":" in name:
            raise ValueError(f"unknown id prefix in {env_id!r}; use one of {ALIASES} or none")
    if name not in ENVS:
        raise ValueError(f"unknown env id {env_id!r}; list the registered ids with: python -m memory_bench --list-only")
    return name


class OldGymEnv:
    """A memory_bench env with gym's pre-0.26 API: ``reset() -> obs``,
    ``step(a) -> (obs, reward, done, info)``, ``seed(n)``, ``render()``, ``close()``.

    The first ``reset`` uses the ``seed`` given to :func:`make` (or to :meth:`seed`);
    later resets continue its random stream, as old gym envs did."""

    def __init__(self, env: gym.Env, seed: int | None = None):
        self.env = env
        self.observation_space = env.observation_space
        self.action_space = env.action_space
        self.metadata = env.metadata
        self.reward_range = (-float("inf"), float("inf"))
        self.spec = env.spec
        self._seed = seed
        self._needs_reset = True

    @property
    def unwrapped(self) -> gym.Env:
        return self.env.unwrapped

    def seed(self, seed: int | None = None) -> list[int | None]:
        """Seeds the next reset (old gym's ``env.seed``)."""
        self._seed = seed
        return [seed]

    def reset(self, **kwargs: Any) -> Any:
        if kwargs:
            raise TypeError(f"the old gym reset() takes no arguments; got {sorted(kwargs)} (use seed() first)")
        obs, _ = self.env.reset(seed=self._seed)
        self._seed = None
        self._needs_reset = False
        return obs

    def step(self, action) -> tuple[Any, float, bool, dict[str, Any]]:
        if self._needs_reset:
            raise RuntimeError("call reset() before step(), and again after done")
        obs, reward, terminated, truncated, info = self.env.step(action)
        info = dict(info)
        info["is_terminal"] = bool(terminated)
        if truncated and not terminated:
            info["TimeLimit.truncated"] = True
        done = bool(terminated or truncated)
        self._needs_reset = done
        return obs, float(reward), done, info

    def render(self, mode: str = "rgb_array") -> np.ndarray | None:
        return self.env.render()

    def close(self) -> None:
        self.env.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.env, name)


def make(env_id: str, seed: int | None = None, **kwargs: Any) -> OldGymEnv:
    """The old-gym view of a memory_bench id (``memory_maze:`` / ``gym_memory_maze:``
    spellings accepted); ``kwargs`` go to ``gymnasium.make``."""
    import memory_bench  # noqa: F401  (registers the ids)
    from memory_bench.registry import hold_out_kwargs

    name = canonical_id(env_id)
    return OldGymEnv(gym.make(f"memory_bench:{name}", **{**hold_out_kwargs(name), **kwargs}), seed=seed)
