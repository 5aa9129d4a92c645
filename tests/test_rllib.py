"""``memory_bench.rllib``: every id in Ray Tune's env registry, and the RLlib PPO-LSTM
example (a local Ray started by the test)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="memory_bench.rllib needs ray (pip install 'memory-bench[rllib]')")
pytest.importorskip("ray.tune", reason="memory_bench.rllib needs ray[tune] (pip install 'memory-bench[rllib]')")

from ray.tune.registry import ENV_CREATOR, _global_registry  # noqa: E402

from memory_bench import rllib  # noqa: E402
from memory_bench.registry import ENVS  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_register_puts_every_id_in_the_tune_registry(local_ray):
    names = rllib.register()
    assert len(names) == 2 * len(ENVS) and "memory_bench:MemoryMaze-9x9-v0" in names
    env = _global_registry.get(ENV_CREATOR, "MemoryMaze-9x9-v0")({})
    obs, _ = env.reset(seed=0)
    assert obs.shape == (64, 64, 3) and env.spec.id == "MemoryMaze-9x9-v0"
    env.close()
    # env_config reaches gym.make; RLlib-unfriendly spaces and hold-out flags are handled
    env = _global_registry.get(ENV_CREATOR, "memory_bench:MemoryMaze-9x9-v0")({"camera_resolution": 32})
    assert env.observation_space.shape == (32, 32, 3)
    env.close()
    lang = _global_registry.get(ENV_CREATOR, "DMLab-language_select_described_object-v0")({})
    assert isinstance(lang.observation_space["INSTR"], gym.spaces.Box)
    lang.close()
    test = _global_registry.get(ENV_CREATOR, "DMLab-rooms_collect_good_objects_test-v0")({})
    assert test.unwrapped.split == "test"
    test.close()


def test_float_images_and_errors():
    env = rllib.float_images(gym.make("memory_bench:MemoryMaze-9x9-v0"))
    obs, _ = env.reset(seed=0)
    assert obs.dtype == np.float32 and 0.0 <= obs.min() and obs.max() <= 1.0 and env.observation_space.contains(obs)
    env.close()
    with pytest.raises(ValueError, match="'MemoryMaze-10x10-v0'"):
        rllib.register(["MemoryMaze-10x10-v0"])


def test_rllib_ppo_lstm_example_trains(capsys):
    pytest.importorskip("ray.rllib", reason="the example needs RLlib (pip install 'memory-bench[rllib]')")
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "examples" / "rllib_ppo_lstm.py"
    spec = importlib.util.spec_from_file_location("rllib_ppo_lstm", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    if ray.is_initialized():
        ray.shutdown()
    rc = example.main(["--iterations", "2", "--env-runners", "1", "--envs-per-runner", "2", "--batch", "400",
                       "--minibatch", "200", "--epochs", "1", "--lstm", "32", "--max-seq-len", "20"])
    out = capsys.readouterr().out
    assert rc == 0 and "iter 1: 400 steps" in out and "iter 2: 800 steps" in out
