"""RLlib: every memory_bench id in Ray Tune's env registry.

    >>> from memory_bench.rllib import register
    >>> register()                      # every id, under its bare name
    >>> from ray.rllib.algorithms.ppo import PPOConfig
    >>> config = PPOConfig().environment("MemoryMaze-9x9-v0")

RLlib builds its envs by name through ``ray.tune.registry``; :func:`register` adds each
id (``MemoryMaze-9x9-v0``, and the ``memory_bench:MemoryMaze-9x9-v0`` spelling) with a
creator that passes RLlib's ``env_config`` on to :func:`gymnasium.make` as keyword
arguments. The creator runs in every env runner process (local or on a cluster): those
processes need memory_bench installed, nothing else. RLlib has no ``Text`` space, so the
language levels are made with ``instruction="tokens"`` unless ``env_config`` says
otherwise. Test levels (``*_test``) get ``allow_hold_out_levels=True``, as the other
evaluation tools of the package give them.

``examples/rllib_ppo_lstm.py`` trains PPO with an LSTM on Memory Maze with RLlib's env
runners. Ray is the engine for runs that outgrow one machine; memory_bench has no
distributed runner of its own.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

import gymnasium as gym

PREFIX = "memory_bench:"


def env_creator(env_id: str, wrapper: Callable[[gym.Env], gym.Env] | None = None) -> Callable[[dict[str, Any]], gym.Env]:
    """The function RLlib calls with an ``env_config`` to build ``env_id`` (then passed
    through ``wrapper``, if given)."""
    from memory_bench.registry import ENVS, hold_out_kwargs

    if env_id not in ENVS:
        raise ValueError(f"unknown memory_bench id {env_id!r}; list them with: python -m memory_bench --list-only")
    defaults: dict[str, Any] = dict(hold_out_kwargs(env_id))
    if ENVS[env_id].family == "DMLab-Language":
        defaults["instruction"] = "tokens"

    def create(env_config: dict[str, Any] | None = None) -> gym.Env:
        kwargs = dict(defaults)
        kwargs.update(dict(env_config or {}))  # RLlib's EnvContext is a dict with worker info as attributes
        env = gym.make(PREFIX + env_id, **kwargs)
        return env if wrapper is None else wrapper(env)

    return create


def register(ids: Iterable[str] | None = None, wrapper: Callable[[gym.Env], gym.Env] | None = None) -> list[str]:
    """Registers ``ids`` (default: every memory_bench id) with ``ray.tune``'s env
    registry, each under its bare id and its ``memory_bench:`` spelling; returns the
    names registered. ``wrapper`` (a picklable function of an env) wraps every env
    made, e.g. :func:`float_images` for RLlib's default CNN, which takes float input."""
    try:
        from ray.tune.registry import register_env
    except ImportError as e:  # pragma: no cover - depends on the extra
        raise ImportError("memory_bench.rllib needs ray: pip install 'ray[rllib]'") from e
    from memory_bench.registry import ENVS

    names = []
    for env_id in (list(ENVS) if ids is None else list(ids)):
        create = env_creator(env_id, wrapper)
        for name in (env_id, PREFIX + env_id):
            register_env(name, create)
            names.append(name)
    return names


def float_images(env: gym.Env) -> gym.Env:
    """Images as float32 in [0, 1] (RLlib's default encoders do not convert uint8)."""
    import numpy as np
    from gymnasium import spaces
    from gymnasium.wrappers import TransformObservation

    box = env.observation_space
    if not (isinstance(box, spaces.Box) and box.dtype == np.uint8):
        raise ValueError(f"float_images wants a uint8 image space, got {box}")
    space = spaces.Box(0.0, 1.0, box.shape, np.float32)
    return TransformObservation(env, lambda obs: obs.astype(np.float32) / np.float32(255.0), space)
