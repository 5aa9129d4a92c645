"""Stable-Baselines3 support: memory_bench's batched env as an SB3 ``VecEnv``.

SB3 has its own vector-env API, older than Gymnasium's: ``reset()`` returns the
observations only, ``step`` returns ``(obs, rewards, dones, infos)`` with one info dict
per env, and an env whose episode ends is reset *in the same step*: the returned
observation is already the new episode's first one, the finished episode's last
observation is in ``infos[i]["terminal_observation"]``, and
``infos[i]["TimeLimit.truncated"]`` tells a time limit from a real end. :class:`SB3VecEnv`
gives that API on top of :class:`memory_bench.vector.MemoryMazeVectorEnv` (all envs
stepped together on a thread pool), with its ``reset_done`` for the same-step reset::

    from stable_baselines3 import PPO
    from stable_baselines3.common.vec_env import VecMonitor

    from memory_bench.sb3 import make_sb3_vec_env

    env = VecMonitor(make_sb3_vec_env("MemoryMaze-9x9-v0", num_envs=8, seed=0))
    model = PPO("CnnPolicy", env, n_steps=128, verbose=1)   # "MultiInputPolicy" for -ExtraObs ids
    model.learn(100_000)

Wrap it in ``VecMonitor`` to get episode returns into SB3's logger (``ep_rew_mean``).
``-ExtraObs`` ids give a dict observation (a dict of batched arrays, as SB3 expects);
SB3 moves the image's channels first by itself (``VecTransposeImage``).

SB3's own vector envs work too: ``make_vec_env("memory_bench:MemoryMaze-9x9-v0",
n_envs=8, vec_env_cls=SubprocVecEnv)``; the adapter is usually faster, one process
stepping every env without the GIL.

Needs the ``train`` extra: ``pip install 'memory-bench[train]'``.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import gymnasium as gym
import numpy as np

try:
    from stable_baselines3.common.vec_env.base_vec_env import VecEnv, VecEnvIndices, VecEnvStepReturn
except ImportError as e:  # pragma: no cover - depends on the installation
    raise ImportError(
        "memory_bench.sb3 needs Stable-Baselines3 (and PyTorch): pip install 'memory-bench[train]'"
    ) from e

from memory_bench.vector import MemoryMazeVectorEnv

__all__ = ["SB3VecEnv", "make_sb3_vec_env"]


class SB3VecEnv(VecEnv):
    """A :class:`~memory_bench.vector.MemoryMazeVectorEnv` as a Stable-Baselines3 ``VecEnv``.

    Args:
        venv: the batched env, from ``gymnasium.make_vec("memory_bench:<id>", num_envs=N)``
            or :func:`memory_bench.vector.make_vector_env`. The adapter owns it from now on
            (``close`` closes it) and must be the only one to step or reset it.

    ``seed(s)`` seeds env ``i`` with ``s + i`` at the next ``reset()``, as SB3's own vector
    envs do; later episodes continue each env's random stream. ``get_attr``,
    ``set_attr`` and ``env_method`` reach the single ``MemoryMazeEnv`` objects inside the
    batch (``venv.envs``); stepping or resetting them that way bypasses the batch.
    """

    def __init__(self, venv: MemoryMazeVectorEnv):
        if not callable(getattr(venv, "reset_done", None)) or not hasattr(venv, "envs"):
            raise TypeError(
                f"SB3VecEnv wraps memory_bench's batched env (memory_bench.vector.MemoryMazeVectorEnv, "
                f"from gymnasium.make_vec('memory_bench:<id>', num_envs=N)), not {type(venv).__name__}; "
                "for other envs use stable_baselines3.common.env_util.make_vec_env"
            )
        self.venv = venv
        self.envs = venv.envs  # the single envs, for get_attr / set_attr / env_method
        super().__init__(venv.num_envs, venv.single_observation_space, venv.single_action_space)
        # not the batched env's autoreset_mode: this adapter resets in the same step
        self.metadata = {"render_modes": self.metadata["render_modes"], "render_fps": venv.metadata.get("render_fps")}
        self._dict_obs = isinstance(self.observation_space, gym.spaces.Dict)
        self._actions: np.ndarray | None = None

    # ------------------------------------------------------------------ SB3 VecEnv API
    def reset(self):
        if any(self._options):
            raise ValueError(
                f"memory_bench envs take no reset options; got {self._options} (from set_options)"
            )
        seeds = None if all(s is None for s in self._seeds) else list(self._seeds)
        obs, info = self.venv.reset(seed=seeds)
        self.reset_infos = _split_infos(info, self.num_envs)
        # Seeds and options are used once, as in SB3's vector envs.
        self._reset_seeds()
        self._reset_options()
        self._actions = None
        return self._order(obs)

    def step_async(self, actions: np.ndarray) -> None:
        actions = np.asarray(actions)
        if actions.shape == (self.num_envs, 1):  # a column of discrete actions
            actions = actions[:, 0]
        self._actions = actions

    def step_wait(self) -> VecEnvStepReturn:
        if self._actions is None:
            raise RuntimeError("step_wait() needs step_async(actions) first (and reset() before any step)")
        actions, self._actions = self._actions, None
        obs, rewards, terminated, truncated, info = self.venv.step(actions)
        dones = terminated | truncated
        infos = _split_infos(info, self.num_envs)
        for i in range(self.num_envs):
            infos[i]["TimeLimit.truncated"] = bool(truncated[i] and not terminated[i])
        if dones.any():
            # SB3 resets in the same step: keep the last observations, then start anew.
            for i in np.flatnonzero(dones):
                infos[i]["terminal_observation"] = (
                    {k: v[i] for k, v in obs.items()} if self._dict_obs else obs[i]
                )
            obs = self.venv.reset_done(dones)
        return self._order(obs), rewards.astype(np.float32), dones, infos

    def close(self) -> None:
        self.venv.close()

    def get_images(self) -> Sequence[np.ndarray | None]:
        if self.render_mode != "rgb_array":
            warnings.warn(
                f"The render mode is {self.render_mode}, but get_images() needs 'rgb_array': "
                "pass render_mode='rgb_array' when making the env"
            )
            return [None] * self.num_envs
        return list(self.venv.render())

    def get_attr(self, attr_name: str, indices: VecEnvIndices = None) -> list[Any]:
        return [getattr(env, attr_name) for env in self._targets(indices)]

    def set_attr(self, attr_name: str, value: Any, indices: VecEnvIndices = None) -> None:
        for env in self._targets(indices):
            setattr(env, attr_name, value)

    def env_method(self, method_name: str, *method_args, indices: VecEnvIndices = None, **method_kwargs) -> list[Any]:
        return [getattr(env, method_name)(*method_args, **method_kwargs) for env in self._targets(indices)]

    def env_is_wrapped(self, wrapper_class: type[gym.Wrapper], indices: VecEnvIndices = None) -> list[bool]:
        from stable_baselines3.common.env_util import is_wrapped

        return [is_wrapped(env, wrapper_class) for env in self._targets(indices)]

    # ------------------------------------------------------------------ internals
    def _targets(self, indices: VecEnvIndices) -> list[gym.Env]:
        return [self.envs[i] for i in self._get_indices(indices)]

    def _order(self, obs):
        """Dict observations with the keys in the observation space's order."""
        if self._dict_obs:
            return {k: obs[k] for k in self.observation_space.spaces}
        return obs

    def __repr__(self) -> str:
        spec = getattr(self.venv, "spec", None)
        name = spec.id if spec is not None else type(self.venv).__name__
        return f"SB3VecEnv({name}, num_envs={self.num_envs})"


def _split_infos(info: dict[str, Any], num_envs: int) -> list[dict[str, Any]]:
    """Gymnasium's batched info dict (values with ``_key`` masks) as one dict per env."""
    infos: list[dict[str, Any]] = [{} for _ in range(num_envs)]
    for key, value in info.items():
        if key.startswith("_"):
            continue
        mask = info.get(f"_{key}")
        values = _split_infos(value, num_envs) if isinstance(value, dict) else value
        for i in range(num_envs):
            if mask is None or mask[i]:
                infos[i][key] = values[i]
    return infos


def make_sb3_vec_env(env_id: str, num_envs: int, seed: int | None = None, **kwargs: Any) -> SB3VecEnv:
    """``num_envs`` envs of a registered id as one Stable-Baselines3 ``VecEnv``.

    Args:
        env_id: a memory_bench id, with or without the ``memory_bench:`` prefix.
        num_envs: how many envs.
        seed: env ``i`` is seeded with ``seed + i`` at the first ``reset()``.
        **kwargs: passed to ``gymnasium.make_vec``: the env's keyword arguments,
            ``max_episode_steps``, ``threads`` of the batched env.
    """
    if not isinstance(env_id, str):
        raise TypeError(f"env_id must be a str such as 'MemoryMaze-9x9-v0', got {env_id!r}")
    if seed is not None and not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int or None, got {seed!r}")
    full_id = env_id if ":" in env_id else f"memory_bench:{env_id}"
    if "vectorization_mode" in kwargs:
        raise ValueError("make_sb3_vec_env always uses memory_bench's batched env; drop vectorization_mode")
    venv = gym.make_vec(full_id, num_envs=num_envs, vectorization_mode="vector_entry_point", **kwargs)
    env = SB3VecEnv(venv)
    if seed is not None:
        env.seed(int(seed))
    return env
