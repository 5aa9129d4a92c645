"""Vector entry points of the PsychLab tasks: ``<TaskClass>Vector``.

A PsychLab step is mostly Python (four frames of hover logic) plus a small numba
view, so N envs stepped one after the other in one process are what
``vectorization_mode="sync"`` gives; these classes make
``gym.make_vec(id, num_envs=N, vectorization_mode="vector_entry_point")`` work too, as
Gymnasium's ``SyncVectorEnv`` over N envs of the id's task and keyword arguments (env i
seeded ``seed + i``, next-step autoreset). For many envs on many cores use
``vectorization_mode="async"`` (one process per env).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium.vector import SyncVectorEnv
from gymnasium.wrappers import TimeLimit

from memory_bench.envs.psychlab import levels


class PsychLabVectorEnv(SyncVectorEnv):
    """``num_envs`` envs of one PsychLab task (``task_entry_point``) in one process."""

    task_entry_point: str = ""

    def __init__(self, num_envs: int, max_episode_steps: int | None = None, render_mode: str | None = None, **kwargs: Any):
        if not isinstance(num_envs, (int, np.integer)) or isinstance(num_envs, bool) or num_envs < 1:
            raise ValueError(f"num_envs={num_envs!r} must be a positive int")
        from gymnasium.envs.registration import load_env_creator

        cls = load_env_creator(self.task_entry_point)

        def make():
            env = cls(render_mode=render_mode, **kwargs)
            return env if max_episode_steps is None else TimeLimit(env, int(max_episode_steps))

        super().__init__([make for _ in range(int(num_envs))])


def vector_entry_point(task_entry_point: str) -> str:
    """The vector entry point string of a task's entry point."""
    return f"{__name__}:{task_entry_point.rsplit(':', 1)[1]}Vector"


for _entry in (levels.AVM, levels.CR, levels.SEQ, levels.CD, levels.VS, levels.WTW):
    _name = _entry.rsplit(":", 1)[1] + "Vector"
    globals()[_name] = type(_name, (PsychLabVectorEnv,), {"task_entry_point": _entry, "__module__": __name__})
