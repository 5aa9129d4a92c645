"""memory_bench's own batched env: N Memory Maze envs stepped together in one process.

``gymnasium.make_vec("memory_bench:MemoryMaze-9x9-v0", num_envs=16)`` returns it (it
is every id's ``vector_entry_point``; ``vectorization_mode="sync"`` or ``"async"``
give Gymnasium's own vector envs instead). Each env keeps its own model, layout and
random stream, so the batch gives exactly what N single envs give with the same seeds.

One ``step`` splits the envs in contiguous chunks over a pool of threads. MuJoCo's
``mj_step`` and the cpu renderer's kernel both run without holding Python's GIL, so
the physics and the rendering of different envs run on different cores at once; every
frame is drawn straight into one preallocated ``(N, H, W, 3)`` observation array.

Autoreset follows Gymnasium 1.x's default ("next step"): the step after an episode
ended resets that env, ignores its action, and returns the first observation of the
new episode with reward 0 and ``terminated = truncated = False``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Sequence

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from memory_bench.envs.memory_maze import MemoryMazeEnv


class MemoryMazeVectorEnv(VectorEnv):
    """``num_envs`` Memory Maze envs, stepped as one batch on a thread pool.

    Args:
        num_envs: how many envs.
        threads: worker threads (default: the number of CPU cores, at most ``num_envs``);
            1 steps everything on the calling thread.
        max_episode_steps: episode length, if shorter than the task's own.
        **kwargs: the ``MemoryMazeEnv`` keyword arguments of the id (``size``,
            ``extra_obs``, ...), as in ``gymnasium.make``.
    """

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP, "render_modes": ["rgb_array"]}

    def __init__(self, num_envs: int, threads: int | None = None, max_episode_steps: int | None = None, **kwargs: Any):
        if not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ValueError(f"num_envs={num_envs!r} must be a positive int")
        if kwargs.get("render_mode") not in (None, "rgb_array"):
            raise ValueError(f"render_mode={kwargs['render_mode']!r}: a batched env renders 'rgb_array' or nothing")
        if max_episode_steps is not None:
            kwargs = dict(kwargs, max_steps=max_episode_steps)
        self.num_envs = int(num_envs)
        self.envs = [MemoryMazeEnv(**kwargs) for _ in range(self.num_envs)]
        first = self.envs[0]
        self.render_mode = kwargs.get("render_mode")
        self.single_observation_space = first.observation_space
        self.single_action_space = first.action_space
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self.metadata = dict(self.metadata, render_fps=first.metadata["render_fps"])
        # Every env renders straight into its row of one batch array.
        self._images = np.zeros((self.num_envs, *first._image.shape), dtype=np.uint8)
        for i, env in enumerate(self.envs):
            env._image = self._images[i]
        self._extra = first.extra_obs
        if self._extra:
            self._probes = {
                k: np.zeros((self.num_envs, *space.shape), dtype=space.dtype)
                for k, space in self.single_observation_space.spaces.items()
                if k != "image"
            }
        self._rewards = np.zeros(self.num_envs, dtype=np.float64)
        self._terminations = np.zeros(self.num_envs, dtype=bool)
        self._truncations = np.zeros(self.num_envs, dtype=bool)
        self._autoreset = np.zeros(self.num_envs, dtype=bool)
        if threads is None:
            threads = os.cpu_count() or 1
        if not isinstance(threads, (int, np.integer)) or threads < 1:
            raise ValueError(f"threads={threads!r} must be a positive int")
        self.threads = min(int(threads), self.num_envs)
        self._chunks = [c for c in np.array_split(np.arange(self.num_envs), self.threads) if c.size]
        self._pool = ThreadPoolExecutor(self.threads - 1, thread_name_prefix="memory_bench") if self.threads > 1 else None
        self._actions = np.zeros(self.num_envs, dtype=np.int64)

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | Sequence[int | None] | None = None, options: dict[str, Any] | None = None):
        if seed is None or isinstance(seed, (int, np.integer)):
            seeds = [None if seed is None else int(seed) + i for i in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"got {len(seeds)} seeds for {self.num_envs} envs")
        if options:
            raise ValueError(f"MemoryMazeVectorEnv.reset takes no options; got {sorted(options)}")
        self._seeds = seeds
        self._run(self._reset_chunk)
        self._autoreset[:] = False
        return self._observations(), {}

    def step(self, actions):
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not np.issubdtype(actions.dtype, np.integer):
            raise ValueError(
                f"actions must be {self.num_envs} ints in [0, {self.single_action_space.n - 1}], "
                f"got an array of shape {actions.shape} and dtype {actions.dtype}"
            )
        bad = (actions < 0) | (actions >= self.single_action_space.n)
        if bad.any():
            raise ValueError(
                f"invalid actions {actions[bad].tolist()} for envs {np.flatnonzero(bad).tolist()}; "
                f"expected ints in [0, {self.single_action_space.n - 1}]"
            )
        self._actions[:] = actions
        self._run(self._step_chunk)
        self._autoreset[:] = self._terminations | self._truncations
        return self._observations(), self._rewards.copy(), self._terminations.copy(), self._truncations.copy(), {}

    def reset_done(self, mask: np.ndarray) -> np.ndarray:
        """Resets the envs where ``mask`` is True right away (no seed: their random streams
        go on) and returns the whole batch of images; used by adapters for libraries whose
        vector envs reset in the same step (Stable-Baselines3)."""
        idx = np.flatnonzero(mask)
        for i in idx:
            env = self.envs[i]
            env._reset_state()
            self._finish(i, env._render_frame())
        self._autoreset[idx] = False
        return self._observations()

    def render(self):
        return self._images.copy() if self.render_mode == "rgb_array" else None

    def call(self, name: str, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """Calls method ``name`` of every env (or reads attribute ``name``), as Gymnasium's
        vector envs do."""
        out = []
        for env in self.envs:
            attr = getattr(env, name)
            out.append(attr(*args, **kwargs) if callable(attr) else attr)
        return tuple(out)

    def get_attr(self, name: str) -> tuple[Any, ...]:
        return tuple(getattr(env, name) for env in self.envs)

    def close_extras(self, **kwargs: Any) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
        for env in self.envs:
            env.close()

    # ------------------------------------------------------------------ internals
    def _run(self, fn) -> None:
        if self._pool is None:
            for chunk in self._chunks:
                fn(chunk)
        else:  # the calling thread takes the first chunk itself: one thread hand-off fewer
            futures = [self._pool.submit(fn, chunk) for chunk in self._chunks[1:]]
            fn(self._chunks[0])
            for future in futures:
                future.result()

    def _reset_chunk(self, chunk: np.ndarray) -> None:
        for i in chunk:
            env = self.envs[i]
            env._reset_state(seed=self._seeds[i])
            self._finish(i, env._render_frame())
        self._rewards[chunk] = 0.0
        self._terminations[chunk] = False
        self._truncations[chunk] = False

    def _step_chunk(self, chunk: np.ndarray) -> None:
        for i in chunk:
            env = self.envs[i]
            if self._autoreset[i]:
                env._reset_state()
                reward, truncated = 0.0, False
            else:
                reward, truncated = env._advance(int(self._actions[i]))
            self._rewards[i] = reward
            self._terminations[i] = False
            self._truncations[i] = truncated
            self._finish(i, env._render_frame())

    def _finish(self, i: int, probes: dict[str, np.ndarray] | None) -> None:
        if self._extra and probes is not None:
            for k, v in probes.items():
                self._probes[k][i] = v

    def _observations(self):
        if not self._extra:
            return self._images.copy()
        return {"image": self._images.copy(), **{k: v.copy() for k, v in self._probes.items()}}


def make_vector_env(env_id: str, num_envs: int, **kwargs: Any) -> MemoryMazeVectorEnv:
    """The batched env of a registered id: ``make_vector_env("MemoryMaze-9x9-v0", 16)``."""
    return gym.make_vec(f"memory_bench:{env_id}", num_envs=num_envs, vectorization_mode="vector_entry_point", **kwargs)
