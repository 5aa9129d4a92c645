"""A vector entry point for symbolic Alchemy: ``AlchemyVectorEnv``.

Alchemy is a few microseconds of numpy per step, so N envs stepped in one process one
after the other are as fast as anything batched would be; this is Gymnasium's
``SyncVectorEnv`` over N ``AlchemyEnv`` built from the id's keyword arguments, so that
``gymnasium.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point")`` works
(entry point string: ``"memory_bench.envs.alchemy.vector:AlchemyVectorEnv"``). It gives
exactly what ``vectorization_mode="sync"`` gives (env i seeded ``seed + i``, next-step
autoreset).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium.vector import SyncVectorEnv
from gymnasium.wrappers import TimeLimit

from memory_bench.envs.alchemy.env import AlchemyEnv

ENTRY_POINT = "memory_bench.envs.alchemy.vector:AlchemyVectorEnv"


class AlchemyVectorEnv(SyncVectorEnv):
    """``num_envs`` symbolic Alchemy envs in one process.

    Args:
        num_envs: how many envs.
        max_episode_steps: a ``TimeLimit`` on each env (episodes end by themselves after
            their trials otherwise).
        **kwargs: the ``AlchemyEnv`` keyword arguments (``level``, ``end_trial_action``, ...).
    """

    def __init__(self, num_envs: int, max_episode_steps: int | None = None, **kwargs: Any):
        if not isinstance(num_envs, (int, np.integer)) or isinstance(num_envs, bool) or num_envs < 1:
            raise ValueError(f"num_envs={num_envs!r} must be a positive int")

        def make():
            env = AlchemyEnv(**kwargs)
            return env if max_episode_steps is None else TimeLimit(env, int(max_episode_steps))

        super().__init__([make for _ in range(int(num_envs))])
