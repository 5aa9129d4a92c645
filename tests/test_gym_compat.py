"""The old-gym adapter for Dreamer/R2I-style loops (memory_bench.gym_compat)."""

import numpy as np
import pytest

from memory_bench import gym_compat


class DreamerStyleMemoryMaze:
    """The shape of the Memory Maze wrapper in Dreamer code bases (dreamerv3-torch's
    ``envs/memorymaze.py``, R2I's): an old-gym env inside, obs dict with reward and
    the is_first / is_last / is_terminal flags, actions as one-hot vectors."""

    def __init__(self, task: str, seed: int = 0):
        self._env = gym_compat.make(f"memory_maze:MemoryMaze-{task}-v0", seed=seed, max_episode_steps=30)

    def reset(self):
        obs = self._env.reset()
        return {"image": obs, "reward": 0.0, "is_first": True, "is_last": False, "is_terminal": False}

    def step(self, action):
        obs, reward, done, info = self._env.step(int(np.argmax(action)))
        return ({"image": obs, "reward": reward, "is_first": False, "is_last": done,
                 "is_terminal": info.get("is_terminal", False)}, reward, done, info)


def test_dreamer_style_loop_runs_episodes():
    env = DreamerStyleMemoryMaze("9x9", seed=3)
    n = env._env.action_space.n
    rng = np.random.default_rng(0)
    for _ in range(2):
        obs = env.reset()
        assert obs["image"].shape == (64, 64, 3) and obs["image"].dtype == np.uint8 and obs["is_first"]
        steps, done = 0, False
        while not done:
            obs, reward, done, info = env.step(np.eye(n)[rng.integers(n)])
            steps += 1
        # Memory Maze ends by its time limit: done, but not a terminal state
        assert steps == 30 and obs["is_last"] and not obs["is_terminal"] and info["TimeLimit.truncated"]
    with pytest.raises(RuntimeError, match="reset"):
        env._env.step(0)


def test_seed_fixes_the_first_reset_and_aliases_name_the_same_env():
    a = gym_compat.make("gym_memory_maze:MemoryMaze-9x9-v0", seed=7)
    b = gym_compat.make("MemoryMaze-9x9-v0", seed=7)
    assert np.array_equal(a.reset(), b.reset())
    obs_a, r_a, d_a, _ = a.step(1)
    obs_b, r_b, d_b, _ = b.step(1)
    assert np.array_equal(obs_a, obs_b) and (r_a, d_a) == (r_b, d_b)
    assert a.seed(7) == [7] and np.array_equal(a.reset(), b.env.reset(seed=7)[0])
    assert a.unwrapped is a.env.unwrapped and a.action_space.n == 6
    a.close()
    b.close()


def test_true_terminations_are_terminal():
    env = gym_compat.make("DMLab-rooms_collect_good_objects_train-v0", seed=0)
    env.reset()
    base = env.unwrapped
    info, done = {}, False
    for slot in range(base.n_items):  # take every object: the episode terminates 0.2 s later
        if done:
            break
        base._spawn_at(*base._items[slot, :2], 0.0)
        _, _, done, info = env.step(0)
    while not done:
        _, _, done, info = env.step(0)
    assert info["is_terminal"] and "TimeLimit.truncated" not in info


def test_bad_ids_and_reset_arguments():
    with pytest.raises(ValueError, match="unknown env id 'memory_maze:MemoryMaze-8x8-v0'"):
        gym_compat.make("memory_maze:MemoryMaze-8x8-v0")
    with pytest.raises(ValueError, match="unknown id prefix"):
        gym_compat.make("other:MemoryMaze-9x9-v0")
    env = gym_compat.make("MemoryMaze-9x9-v0")
    with pytest.raises(TypeError, match="takes no arguments"):
        env.reset(seed=1)
    env.close()
