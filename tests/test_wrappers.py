"""Probe and resize wrappers, single and vector."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from memory_bench.wrappers import (
    ProbeObservations,
    ResizeImage,
    VectorProbeObservations,
    VectorResizeImage,
    resize_images,
)

PROBE_KEYS = {"target_color", "agent_pos", "agent_dir", "targets_pos", "targets_vec", "target_pos", "target_vec", "maze_layout"}


def test_probe_obs_equals_the_extraobs_id():
    """A plain id wrapped with to='obs' gives exactly what the -ExtraObs id gives."""
    wrapped = ProbeObservations(gym.make("memory_bench:MemoryMaze-11x11-v0"), to="obs")
    extra = gym.make("memory_bench:MemoryMaze-11x11-ExtraObs-v0")
    assert wrapped.observation_space == extra.observation_space
    a, _ = wrapped.reset(seed=4)
    b, _ = extra.reset(seed=4)
    for t in range(6):
        for k in b:
            assert np.array_equal(a[k], b[k]), (t, k)
        a, *_ = wrapped.step(t % 6)
        b, *_ = extra.step(t % 6)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*different from the unwrapped version.*")  # a wrapper, on purpose
        check_env(ProbeObservations(gym.make("memory_bench:MemoryMaze-9x9-v0", max_episode_steps=10), to="obs"))


def test_probe_info_keeps_the_image_observation():
    env = ProbeObservations(gym.make("memory_bench:MemoryMaze-9x9-v0"), to="info")
    obs, info = env.reset(seed=1)
    assert obs.shape == (64, 64, 3) and PROBE_KEYS <= set(info)
    start = info["agent_pos"].copy()
    for _ in range(3):
        obs, _, _, _, info = env.step(1)
    assert not np.array_equal(info["agent_pos"], start) or info["maze_layout"].sum() > 0


def test_probe_errors():
    with pytest.raises(ValueError, match="to='x': choose 'info'"):
        ProbeObservations(gym.make("memory_bench:MemoryMaze-9x9-v0"), to="x")
    with pytest.raises(ValueError, match="already holds the probe keys"):
        ProbeObservations(gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0"))
    with pytest.raises(TypeError, match="reports no probe values"):
        ProbeObservations(gym.make("CartPole-v1"))


@pytest.mark.parametrize("mode", ["vector_entry_point", "sync"])
def test_vector_probes_match_single_envs(mode):
    venv = VectorProbeObservations(
        gym.make_vec("memory_bench:MemoryMaze-9x9-v0", num_envs=2, vectorization_mode=mode), to="info"
    )
    obs, info = venv.reset(seed=10)
    assert info["agent_pos"].shape == (2, 2) and info["maze_layout"].shape == (2, 9, 9)
    for i in range(2):
        single = gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0")
        o, _ = single.reset(seed=10 + i)
        for k in PROBE_KEYS:
            assert np.array_equal(info[k][i], o[k]), k
        assert np.array_equal(obs[i], o["image"])
    obs_env = VectorProbeObservations(gym.make_vec("memory_bench:MemoryMaze-9x9-v0", num_envs=2), to="obs")
    o, _ = obs_env.reset(seed=0)
    assert obs_env.observation_space.contains(o)
    venv.close()
    obs_env.close()


def test_resize_block_mean_and_bilinear():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(64, 64, 3)).astype(np.uint8)
    small = resize_images(img, (32, 32))
    assert small[0, 0].tolist() == np.rint(img[:2, :2].reshape(-1, 3).mean(0)).astype(int).tolist()
    flat = np.full((10, 10, 3), 77, np.uint8)
    assert np.all(resize_images(flat, (7, 13)) == 77)
    batch = rng.integers(0, 256, size=(3, 64, 64, 3)).astype(np.uint8)
    assert np.array_equal(resize_images(batch, (16, 16))[1], resize_images(batch[1], (16, 16)))


def test_resize_wrappers():
    env = ResizeImage(gym.make("memory_bench:MemoryMaze-9x9-HD-v0", max_episode_steps=10), (64, 64))
    obs, _ = env.reset(seed=0)
    assert obs.shape == (64, 64, 3)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*different from the unwrapped version.*")  # a wrapper, on purpose
        check_env(env)
    d = ResizeImage(gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0"), (32, 32))
    o, _ = d.reset(seed=0)
    assert o["image"].shape == (32, 32, 3) and d.observation_space.contains(o)
    v = VectorResizeImage(gym.make_vec("memory_bench:MemoryMaze-9x9-HD-v0", num_envs=2), (64, 64))
    o, _ = v.reset(seed=0)
    assert o.shape == (2, 64, 64, 3) and v.observation_space.contains(o)
    o, *_ = v.step(np.array([1, 2]))
    assert o.shape == (2, 64, 64, 3)
    v.close()
    with pytest.raises(ValueError, match=r"shape=\(64,\) must be \(height, width\)"):
        ResizeImage(gym.make("memory_bench:MemoryMaze-9x9-v0"), (64,))
