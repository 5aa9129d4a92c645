"""Probe outputs: the original's ``-ExtraObs`` values for any Memory Maze env.

Probing a memory agent means predicting hidden state (where the agent is, where the
targets are, the wall layout) from its memory. :class:`ProbeObservations` adds those
values to a plain image env, either to ``info`` (the agent sees only images, the probe
reads ``info``) or to a dict observation (like the ``-ExtraObs`` ids)::

    env = ProbeObservations(gym.make("memory_bench:MemoryMaze-9x9-v0"), to="info")
    obs, info = env.reset(seed=0)
    info["agent_pos"], info["maze_layout"]          # grid units, as the original

:class:`VectorProbeObservations` does the same for a vector env (batched arrays,
``info[key]`` of shape ``(num_envs, ...)``), for memory_bench's batched env and for
Gymnasium's sync and async vector envs alike.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import VectorEnv, VectorWrapper
from gymnasium.vector.utils import batch_space

from memory_bench.envs.memory_maze import probe_spaces

TARGETS = ("info", "obs")


def _check_to(to: str) -> None:
    if to not in TARGETS:
        raise ValueError(f"to={to!r}: choose 'info' (probe values in info) or 'obs' (a dict observation)")


def _base_env(env: gym.Env):
    base = env.unwrapped
    if not hasattr(base, "probe_observation"):
        raise TypeError(f"{type(base).__name__} reports no probe values (it has no probe_observation())")
    if isinstance(env.observation_space, spaces.Dict):
        raise ValueError("the env's observation already holds the probe keys (an -ExtraObs id); use its plain id")
    return base


class ProbeObservations(gym.Wrapper, gym.utils.RecordConstructorArgs):
    """Adds the probe values of a Memory Maze env to ``info`` or to a dict observation.

    Args:
        env: an env whose observation is the image (a plain, non ``-ExtraObs`` id).
        to: ``"info"`` (default) or ``"obs"``: ``{"image": ..., "agent_pos": ..., ...}``.
    """

    def __init__(self, env: gym.Env, to: str = "info"):
        gym.utils.RecordConstructorArgs.__init__(self, to=to)
        gym.Wrapper.__init__(self, env)
        _check_to(to)
        base = _base_env(env)
        self.to = to
        if to == "obs":
            self.observation_space = spaces.Dict(
                {"image": env.observation_space, **probe_spaces(base.size, base.n_targets, base.show_path)}
            )

    def _attach(self, obs, info: dict[str, Any]):
        probes = self.env.unwrapped.probe_observation()
        if self.to == "obs":
            return {"image": obs, **probes}, info
        return obs, {**info, **probes}

    def reset(self, **kwargs: Any):
        obs, info = self.env.reset(**kwargs)
        return self._attach(obs, info)

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        obs, info = self._attach(obs, info)
        return obs, reward, terminated, truncated, info


class VectorProbeObservations(VectorWrapper):
    """:class:`ProbeObservations` for vector envs: batched probe values, one row per env."""

    def __init__(self, env: VectorEnv, to: str = "info"):
        super().__init__(env)
        _check_to(to)
        if isinstance(env.single_observation_space, spaces.Dict):
            raise ValueError("the env's observation already holds the probe keys (an -ExtraObs id); use its plain id")
        size, n_targets, show_path = (env.call(name)[0] for name in ("size", "n_targets", "show_path"))
        self.to = to
        self._probe_spaces = probe_spaces(size, n_targets, show_path)
        if to == "obs":
            self.single_observation_space = spaces.Dict({"image": env.single_observation_space, **self._probe_spaces})
            self.observation_space = batch_space(self.single_observation_space, self.num_envs)

    def _attach(self, obs, info: dict[str, Any]):
        per_env = self.env.call("probe_observation")
        probes = {k: np.stack([p[k] for p in per_env]) for k in self._probe_spaces}
        if self.to == "obs":
            return {"image": obs, **probes}, info
        return obs, {**info, **probes}

    def reset(self, **kwargs: Any):
        obs, info = self.env.reset(**kwargs)
        return self._attach(obs, info)

    def step(self, actions):
        obs, rewards, terminations, truncations, info = self.env.step(actions)
        obs, info = self._attach(obs, info)
        return obs, rewards, terminations, truncations, info
