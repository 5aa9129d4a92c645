"""A ``dm_env.Environment`` view of any memory_bench env, as the original offered
through ``memory_maze.tasks``.

    >>> from memory_bench.dm_env_view import make_dm_env
    >>> env = make_dm_env("MemoryMaze-9x9-ExtraObs-v0", seed=0)
    >>> timestep = env.reset()            # StepType.FIRST, reward None
    >>> timestep = env.step(1)            # forward
    >>> env.observation_spec()["agent_pos"]

Episode ends map as dm_env expects: the fixed time limit is a *truncation* (``LAST``
with discount 1.0), never a termination. The view's randomness comes from its own
``numpy.random.RandomState`` (``seed=`` or ``env.reseed(seed)``), which draws the seed
of every underlying reset, so a seeded view replays the same episodes.

Converting back to Gymnasium uses shimmy's own converters
(``shimmy.utils.dm_env.dm_spec2gym_space`` and ``dm_env_step2gym_step``), see
:class:`GymFromDmEnv`. shimmy's ``DmControlCompatibilityV0`` itself accepts only
dm_control's composer or control environments (it checks the type, and reaches for
``env.physics``), and dm_control 1.0.50 does not run on MuJoCo 4, so the round trip
goes through shimmy's converters rather than that class.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

try:
    import dm_env
    from dm_env import specs
except ImportError as e:  # pragma: no cover - depends on the extra
    raise ImportError("the dm_env view needs dm-env: pip install dm-env") from e


def _spec(space: spaces.Space, name: str):
    if isinstance(space, spaces.Discrete):
        return specs.DiscreteArray(int(space.n), dtype=np.int64, name=name)
    if isinstance(space, spaces.Box):
        return specs.BoundedArray(space.shape, space.dtype, space.low, space.high, name=name)
    if isinstance(space, spaces.Dict):
        return {k: _spec(s, k) for k, s in space.spaces.items()}
    if isinstance(space, spaces.Text):  # the language levels' INSTR, as DMLab's dm_env wrapper gives it
        return specs.StringArray((), name=name)
    raise TypeError(f"no dm_env spec for space {space}")


class DmEnvView(dm_env.Environment):
    """Presents a Gymnasium memory_bench env through the ``dm_env.Environment`` API."""

    def __init__(self, env: gym.Env, seed: int | None = None):
        self.gym_env = env
        self._random_state = np.random.RandomState(seed)
        self._observation_spec = _spec(env.observation_space, "observation")
        self._action_spec = _spec(env.action_space, "action")
        self._needs_reset = True

    def reseed(self, seed: int | None) -> None:
        """Restarts the view's random stream (it seeds every underlying reset)."""
        self._random_state = np.random.RandomState(seed)

    def reset(self) -> dm_env.TimeStep:
        obs, _ = self.gym_env.reset(seed=int(self._random_state.randint(2**31 - 1)))
        self._needs_reset = False
        return dm_env.restart(obs)

    def step(self, action) -> dm_env.TimeStep:
        if self._needs_reset:
            return self.reset()
        discrete = isinstance(self.gym_env.action_space, spaces.Discrete)
        a = int(np.asarray(action)) if discrete else np.asarray(action, dtype=self.gym_env.action_space.dtype)
        obs, reward, terminated, truncated, _ = self.gym_env.step(a)
        if terminated:
            self._needs_reset = True
            return dm_env.termination(float(reward), obs)
        if truncated:
            self._needs_reset = True
            return dm_env.truncation(float(reward), obs)
        return dm_env.transition(float(reward), obs)

    def observation_spec(self):
        return self._observation_spec

    def action_spec(self):
        return self._action_spec

    def control_timestep(self) -> float:
        """Seconds of simulated time per step."""
        return 1.0 / float(self.gym_env.unwrapped.control_freq)

    def close(self) -> None:
        self.gym_env.close()


def make_dm_env(env_id: str, seed: int | None = None, **kwargs: Any) -> DmEnvView:
    """The dm_env view of a registered id (``kwargs`` go to ``gymnasium.make``)."""
    return DmEnvView(gym.make(f"memory_bench:{env_id}", **kwargs), seed=seed)


class GymFromDmEnv(gym.Env):
    """A dm_env environment back in Gymnasium, converted by shimmy's spec and time-step
    converters (``pip install shimmy``)."""

    metadata = {"render_modes": []}

    def __init__(self, env: DmEnvView):
        from shimmy.utils.dm_env import dm_spec2gym_space

        self._env = env
        self.observation_space = dm_spec2gym_space(env.observation_spec())
        self.action_space = dm_spec2gym_space(env.action_spec())

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        from shimmy.utils.dm_env import dm_env_step2gym_step

        super().reset(seed=seed)
        if seed is not None:
            self._env.reseed(seed)
        obs, _, _, _, info = dm_env_step2gym_step(self._env.reset())
        return obs, info

    def step(self, action):
        from shimmy.utils.dm_env import dm_env_step2gym_step

        return dm_env_step2gym_step(self._env.step(action))

    def close(self) -> None:
        self._env.close()
