"""Vectorized Memory Maze: Gymnasium's sync and async vector envs and memory_bench's batched env."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.vector import AutoresetMode

from memory_bench.envs.memory_maze import MemoryMazeEnv
from memory_bench.vector import MemoryMazeVectorEnv, make_vector_env

IDS = ["MemoryMaze-9x9-v0", "MemoryMaze-11x11-ExtraObs-v0"]


def _single_rollout(env_id: str, seed: int, actions: np.ndarray, max_steps: int):
    """What one plain env gives for these seeds and actions, with next-step autoreset."""
    env = gym.make(f"memory_bench:{env_id}", max_episode_steps=max_steps).unwrapped
    env.max_steps = max_steps
    obs, _ = env.reset(seed=seed)
    frames, rewards, truncs = [obs], [], []
    done = False
    for a in actions:
        if done:
            obs, _ = env.reset()
            r, tr = 0.0, False
        else:
            obs, r, _, tr, _ = env.step(int(a))
        done = tr
        frames.append(obs)
        rewards.append(r)
        truncs.append(tr)
    env.close()
    return frames, rewards, truncs


@pytest.mark.parametrize("env_id", IDS)
@pytest.mark.parametrize("mode", ["sync", "async", "vector_entry_point"])
def test_make_vec_modes(env_id, mode):
    n = 3
    env = gym.make_vec(f"memory_bench:{env_id}", num_envs=n, vectorization_mode=mode)
    if mode == "vector_entry_point":
        assert isinstance(env, MemoryMazeVectorEnv)
    assert env.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
    obs, _ = env.reset(seed=7)
    assert env.observation_space.contains(obs)
    image = obs["image"] if isinstance(obs, dict) else obs
    assert image.shape == (n, 64, 64, 3) and image.dtype == np.uint8
    actions = env.action_space.sample()
    obs, rew, term, trunc, _ = env.step(actions)
    assert rew.shape == (n,) and term.shape == (n,) and trunc.shape == (n,)
    assert not term.any()
    env.close()


@pytest.mark.parametrize("env_id", IDS)
def test_batched_equals_single_envs_with_autoreset(env_id):
    """Same seeds and actions: the batch gives exactly what single envs give, through
    an episode end and the next-step autoreset."""
    n, steps, length = 3, 14, 6
    rng = np.random.default_rng(0)
    actions = rng.integers(0, 6, size=(steps, n))
    env = gym.make_vec(f"memory_bench:{env_id}", num_envs=n, max_episode_steps=length)
    obs, _ = env.reset(seed=100)
    got_obs, got_rew, got_trunc = [obs], [], []
    for a in actions:
        obs, r, term, trunc, _ = env.step(a)
        got_obs.append(obs)
        got_rew.append(r)
        got_trunc.append(trunc)
    env.close()
    for i in range(n):
        frames, rewards, truncs = _single_rollout(env_id, 100 + i, actions[:, i], length)
        for t, frame in enumerate(frames):
            mine = got_obs[t]
            if isinstance(frame, dict):
                for k in frame:
                    assert np.array_equal(mine[k][i], frame[k]), (i, t, k)
            else:
                assert np.array_equal(mine[i], frame), (i, t)
        assert [r[i] for r in got_rew] == rewards
        assert [bool(tr[i]) for tr in got_trunc] == truncs
        assert truncs[length - 1] and not truncs[length]  # ended, then autoreset


def test_batched_threads_do_not_change_results():
    kw = dict(size=9, max_steps=50)
    a = MemoryMazeVectorEnv(4, threads=1, **kw)
    b = MemoryMazeVectorEnv(4, threads=2, **kw)
    oa, _ = a.reset(seed=3)
    ob, _ = b.reset(seed=3)
    assert np.array_equal(oa, ob)
    rng = np.random.default_rng(1)
    for _ in range(10):
        act = rng.integers(0, 6, 4)
        ra = a.step(act)
        rb = b.step(act)
        assert np.array_equal(ra[0], rb[0]) and np.array_equal(ra[1], rb[1])
    a.close()
    b.close()


def test_batched_seeding():
    env = make_vector_env("MemoryMaze-9x9-v0", 3)
    o1, _ = env.reset(seed=5)
    o2, _ = env.reset(seed=[5, 6, 7])
    assert np.array_equal(o1, o2)
    o3, _ = env.reset(seed=[7, 6, 5])
    assert np.array_equal(o3[0], o1[2]) and np.array_equal(o3[2], o1[0])
    assert not np.array_equal(o1[0], o1[1])
    env.close()


@pytest.mark.parametrize(
    "actions,match",
    [
        (np.array([0, 6, 1]), r"invalid actions \[6\] for envs \[1\]; expected ints in \[0, 5\]"),
        (np.array([0, 1]), r"actions must be 3 ints in \[0, 5\], got an array of shape \(2,\)"),
        (np.array([0.0, 1.0, 2.0]), r"dtype float64"),
    ],
)
def test_batched_bad_actions(actions, match):
    env = make_vector_env("MemoryMaze-9x9-v0", 3)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=match):
        env.step(actions)
    env.close()


def test_batched_bad_arguments():
    with pytest.raises(ValueError, match="num_envs=0 must be a positive int"):
        MemoryMazeVectorEnv(0, size=9)
    with pytest.raises(ValueError, match="threads=0 must be a positive int"):
        MemoryMazeVectorEnv(2, threads=0, size=9)
    env = MemoryMazeVectorEnv(2, size=9)
    with pytest.raises(ValueError, match="got 3 seeds for 2 envs"):
        env.reset(seed=[1, 2, 3])
    env.close()


def test_batched_writes_into_one_buffer_and_returns_copies():
    env = MemoryMazeVectorEnv(2, size=9, render_mode="rgb_array")
    obs, _ = env.reset(seed=0)
    frame = env.render()
    assert np.array_equal(frame, obs)
    obs2, *_ = env.step(np.array([1, 1]))
    assert not np.shares_memory(obs, obs2)
    assert all(np.shares_memory(e._image, env._images) for e in env.envs)
    assert isinstance(env.envs[0], MemoryMazeEnv)
    env.close()
