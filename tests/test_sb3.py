"""Stable-Baselines3: SB3's env checker on every id, SB3's own vector envs, the
``memory_bench.sb3`` adapter, and the RecurrentPPO example."""

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import gymnasium as gym
import numpy as np
import pytest

pytest.importorskip("torch", reason="the SB3 tests need PyTorch: pip install 'memory-bench[train]'")
pytest.importorskip("stable_baselines3", reason="the SB3 tests need stable-baselines3: pip install 'memory-bench[train]'")
pytest.importorskip("sb3_contrib", reason="the SB3 tests need sb3-contrib: pip install 'memory-bench[train]'")

import torch  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.env_checker import check_env  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402
from stable_baselines3.common.vec_env import SubprocVecEnv, VecEnv  # noqa: E402

from memory_bench.registry import ENVS, hold_out_kwargs  # noqa: E402
from memory_bench.sb3 import SB3VecEnv, make_sb3_vec_env  # noqa: E402
from memory_bench.vector import make_vector_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ID = "MemoryMaze-9x9-v0"
EXTRA_ID = "MemoryMaze-9x9-ExtraObs-v0"
# The probe keys of -ExtraObs ids that are 2-D arrays, as in the original memory-maze.
TWO_D_KEYS = {"maze_layout", "targets_pos", "targets_vec"}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    """Torch on 2 threads of a 2-core machine shared with the envs (and another xdist
    worker) runs many times slower; one thread keeps the training tests quick."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# ---------------------------------------------------------------------- single envs
@pytest.mark.parametrize("env_id", list(ENVS))
def test_check_env(env_id):
    # SB3 has no Text space: the language ids give their instruction as tokens here
    text = {"instruction": "tokens"} if ENVS[env_id].family == "DMLab-Language" else {}
    env = gym.make(f"memory_bench:{env_id}", max_episode_steps=20, **hold_out_kwargs(env_id), **text)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env, warn=True)
    env.close()
    messages = [str(w.message) for w in caught]
    # Accepted: the -ExtraObs probe keys keep the original's 2-D shapes ((N, N) layout,
    # (K, 2) targets), which SB3 flags as neither image nor vector; its
    # MultiInputPolicy flattens them anyway. Nothing else may be flagged.
    unexpected = [
        m
        for m in messages
        if not (
            ENVS[env_id].kwargs.get("extra_obs")
            and (key := re.match(r"Your observation (\w+) has an unconventional shape", m))
            and key.group(1) in TWO_D_KEYS
        )
    ]
    assert not unexpected, unexpected


def test_sb3_make_vec_env():
    venv = make_vec_env(f"memory_bench:{ID}", n_envs=2, seed=0)
    obs = venv.reset()
    assert obs.shape == (2, 64, 64, 3) and obs.dtype == np.uint8
    for _ in range(3):
        obs, rewards, dones, infos = venv.step(np.array([1, 4]))
    assert obs.shape == (2, 64, 64, 3) and rewards.shape == (2,) and not dones.any() and len(infos) == 2
    venv.close()


def test_sb3_subproc_vec_env():
    venv = make_vec_env(f"memory_bench:{ID}", n_envs=2, seed=0, vec_env_cls=SubprocVecEnv)
    try:
        first = venv.reset()
        assert first.shape == (2, 64, 64, 3) and first.dtype == np.uint8
        # the same seeds give the same first images as in this process
        local = make_vec_env(f"memory_bench:{ID}", n_envs=2, seed=0)
        np.testing.assert_array_equal(first, local.reset())
        local.close()
        for _ in range(3):
            obs, rewards, dones, infos = venv.step(np.array([1, 5]))
        assert obs.shape == (2, 64, 64, 3) and rewards.shape == (2,) and not dones.any()
        assert not np.array_equal(obs, first)
    finally:
        venv.close()


# ---------------------------------------------------------------------- the adapter
def test_adapter_reset_step_shapes():
    env = make_sb3_vec_env(ID, 3, seed=1)
    assert isinstance(env, VecEnv) and isinstance(env, SB3VecEnv) and env.num_envs == 3
    assert env.observation_space == gym.spaces.Box(0, 255, (64, 64, 3), np.uint8)
    assert env.action_space == gym.spaces.Discrete(6)
    obs = env.reset()
    assert obs.shape == (3, 64, 64, 3) and obs.dtype == np.uint8
    obs, rewards, dones, infos = env.step(np.array([0, 1, 2]))
    assert obs.shape == (3, 64, 64, 3) and obs.dtype == np.uint8
    assert rewards.shape == (3,) and rewards.dtype == np.float32
    assert dones.shape == (3,) and dones.dtype == bool and not dones.any()
    assert infos == [{"TimeLimit.truncated": False}] * 3
    # the rest of SB3's VecEnv API
    assert env.get_attr("size") == [9, 9, 9] and env.get_attr("size", indices=1) == [9]
    env.set_attr("some_flag", 7, indices=[0, 2])
    assert [getattr(e, "some_flag", None) for e in env.venv.envs] == [7, None, 7]
    assert env.env_method("render", indices=[0]) == [None]  # render_mode None
    assert env.env_is_wrapped(gym.wrappers.TimeLimit) == [False] * 3
    assert env.has_attr("n_targets") and not env.has_attr("no_such_attr")
    with pytest.warns(UserWarning, match="rgb_array"):
        assert env.get_images() == [None] * 3
    env.close()


def test_adapter_render_rgb_array():
    env = make_sb3_vec_env(ID, 2, seed=0, render_mode="rgb_array")
    obs = env.reset()
    images = env.get_images()
    assert len(images) == 2
    np.testing.assert_array_equal(np.stack(images), obs)
    assert env.render().shape[-1] == 3  # tiled by SB3
    env.close()


def test_adapter_rejects_other_vector_envs():
    venv = gym.make_vec(f"memory_bench:{ID}", num_envs=2, vectorization_mode="sync")
    with pytest.raises(TypeError, match="MemoryMazeVectorEnv"):
        SB3VecEnv(venv)
    venv.close()


def test_adapter_same_step_autoreset():
    """An episode end resets in the same step: the returned image is the new episode's
    first, the finished one's last image is in terminal_observation, and both match what
    one plain env gives with the same seed and actions."""
    n, length, steps = 2, 5, 8
    actions = np.random.default_rng(0).integers(0, 6, size=(steps, n))
    env = make_sb3_vec_env(ID, n, seed=10, max_episode_steps=length)
    env.reset()
    results = [env.step(a) for a in actions]
    env.close()

    for i in range(n):
        single = gym.make(f"memory_bench:{ID}").unwrapped
        single.max_steps = length
        single.reset(seed=10 + i)
        for t in range(steps):
            obs, _, dones, infos = results[t]
            expect, reward, _, truncated, _ = single.step(int(actions[t, i]))
            assert infos[i]["TimeLimit.truncated"] is bool(truncated)
            assert dones[i] == truncated == (t == length - 1)
            if truncated:
                np.testing.assert_array_equal(infos[i]["terminal_observation"], expect)
                expect, _ = single.reset()  # the stream goes on: no new seed
            else:
                assert "terminal_observation" not in infos[i]
            np.testing.assert_array_equal(obs[i], expect)
            assert results[t][1][i] == reward
        single.close()


def test_adapter_equals_batched_env():
    """Before any episode ends the adapter gives exactly the batched env's observations."""
    n = 3
    actions = np.random.default_rng(1).integers(0, 6, size=(6, n))
    env = make_sb3_vec_env(ID, n, seed=5)
    venv = make_vector_env(ID, n)
    np.testing.assert_array_equal(env.reset(), venv.reset(seed=5)[0])
    for a in actions:
        obs, rewards, dones, _ = env.step(a)
        vobs, vrewards, _, vtrunc, _ = venv.step(a)
        np.testing.assert_array_equal(obs, vobs)
        np.testing.assert_array_equal(rewards, vrewards)
        assert not dones.any() and not vtrunc.any()
    env.close()
    venv.close()


def test_adapter_seed_method():
    env = make_sb3_vec_env(ID, 2)
    assert env.seed(3) == [3, 4]
    first = env.reset()
    env.step(np.array([1, 1]))
    env.seed(3)
    np.testing.assert_array_equal(env.reset(), first)
    env.close()


def test_adapter_dict_obs():
    n, length = 2, 3
    env = make_sb3_vec_env(EXTRA_ID, n, seed=0, max_episode_steps=length)
    space = env.observation_space
    assert isinstance(space, gym.spaces.Dict) and "image" in space.spaces
    obs = env.reset()
    assert list(obs) == list(space.spaces)
    for key, sub in space.spaces.items():
        assert obs[key].shape == (n, *sub.shape) and obs[key].dtype == sub.dtype
        assert all(sub.contains(obs[key][i]) for i in range(n))
    for t in range(length):
        obs, _, dones, infos = env.step(np.array([1, 3]))
    assert dones.all()
    for i in range(n):
        last = infos[i]["terminal_observation"]
        assert isinstance(last, dict) and space.contains(last)
        assert not np.array_equal(last["maze_layout"], obs["maze_layout"][i]) or not np.array_equal(
            last["image"], obs["image"][i]
        )
    assert list(obs) == list(space.spaces)
    env.close()


def test_adapter_ppo_learns():
    env = make_sb3_vec_env(ID, 2, seed=0)
    model = PPO("CnnPolicy", env, n_steps=16, batch_size=16, n_epochs=2, seed=0, device="cpu")
    model.learn(32)
    assert model.num_timesteps == 32
    env.close()


def test_adapter_ppo_dict_obs_learns():
    env = make_sb3_vec_env(EXTRA_ID, 2, seed=0)
    model = PPO("MultiInputPolicy", env, n_steps=16, batch_size=16, n_epochs=2, seed=0, device="cpu")
    model.learn(32)
    assert model.num_timesteps == 32
    env.close()


# ---------------------------------------------------------------------- the example
@pytest.mark.train
def test_example_recurrent_ppo(tmp_path):
    cmd = [
        sys.executable,
        str(ROOT / "examples" / "sb3_recurrent_ppo.py"),
        "--total-steps", "128",
        "--num-envs", "2",
        "--n-steps", "32",
        "--torch-threads", "1",
        "--log-dir", str(tmp_path),
    ]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT, env=dict(os.environ))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"\d+(\.\d+)? steps/s", proc.stdout), proc.stdout
    assert (tmp_path / "model.zip").is_file()
    assert not list(tmp_path.glob("*.tmp*"))
