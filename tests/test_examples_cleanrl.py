"""examples/ppo_lstm.py: a tiny end-to-end run, and its handling of next-step autoreset."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "ppo_lstm.py"

pytestmark = pytest.mark.train


@pytest.fixture(scope="module")
def ppo():
    spec = importlib.util.spec_from_file_location("ppo_lstm_example", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_runs_end_to_end(tmp_path):
    save = tmp_path / "model.pt"
    cmd = [
        sys.executable, str(EXAMPLE),
        "--total-timesteps", "256", "--num-envs", "2", "--num-steps", "64",
        "--max-episode-steps", "20", "--no-cuda", "--save-path", str(save),
    ]
    env = dict(os.environ, MUJOCO_GL=os.environ.get("MUJOCO_GL", "egl"))
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    # 64 steps per env per rollout, episodes of 20 steps + 1 reset transition each.
    returns = re.findall(r"episode_return=(-?\d+\.\d+) length=(\d+)", out)
    assert len(returns) >= 4, out
    assert all(int(length) == 20 for _, length in returns), out
    assert re.search(r"^iter 2/2 global_step=256 .*sps=\d+", out, re.M), out
    assert re.search(r"^done: 256 env-steps in \d+\.\d+ s \(\d+ steps/s\)$", out, re.M), out
    state = torch.load(save, weights_only=True)
    assert "lstm.weight_hh_l0" in state and "actor.weight" in state
    assert not list(tmp_path.glob(".ppo_lstm-*")), "temp file left behind"


def test_parse_args(ppo):
    args = ppo.parse_args(["--max-episode-steps", "7", "--no-cuda", "--num-envs", "6", "--learning-rate", "1e-3"])
    assert args.max_episode_steps == 7 and args.cuda is False and args.num_envs == 6
    assert args.learning_rate == 1e-3 and args.env_id == "MemoryMaze-9x9-v0"
    assert args.num_minibatches == 3  # 4 does not divide 6 envs: the largest divisor below
    defaults = ppo.parse_args([])
    assert defaults.max_episode_steps is None and defaults.cuda is True
    assert (defaults.total_timesteps, defaults.num_envs, defaults.num_steps) == (10_000_000, 8, 128)


def test_tracker_follows_next_step_autoreset(ppo):
    tracker = ppo.EpisodeTracker(2)
    assert tracker.valid.tolist() == [True, True] and tracker.episode_start.tolist() == [True, True]
    f, t = np.array([False, False]), np.array([True, False])
    # step 0: both go on; env 0 gets +1.
    assert tracker.step(np.array([1.0, 0.0]), f, f) == []
    assert tracker.valid.tolist() == [True, True] and tracker.episode_start.tolist() == [False, False]
    # step 1: env 0 is truncated (+1 more): its obs is the final one, the next step resets.
    assert tracker.step(np.array([1.0, 0.0]), f, t) == [(0, 2.0, 2)]
    assert tracker.valid.tolist() == [False, True] and tracker.episode_start.tolist() == [False, False]
    # step 2: env 0's reset transition (reward 0, not done): its obs starts the new episode.
    assert tracker.step(np.array([0.0, 0.0]), f, f) == []
    assert tracker.valid.tolist() == [True, True] and tracker.episode_start.tolist() == [True, False]
    # step 3: env 1 terminates; env 0's new episode counts from 0.
    assert tracker.step(np.array([0.0, 1.0]), t[::-1], f) == [(1, 1.0, 4)]
    assert tracker.valid.tolist() == [True, False] and tracker.episode_start.tolist() == [False, False]
    assert tracker.returns[0] == 0.0 and tracker.lengths[0] == 1


def test_tracker_on_the_real_env(ppo):
    import gymnasium as gym

    envs = gym.make_vec("memory_bench:MemoryMaze-9x9-v0", num_envs=2, max_episode_steps=3)
    try:
        envs.reset(seed=0)
        tracker = ppo.EpisodeTracker(2)
        valid, starts, ends = [], [], []
        for _ in range(9):
            valid.append(tracker.valid[0])
            starts.append(tracker.episode_start[0])
            _, reward, terminated, truncated, _ = envs.step(np.array([1, 1]))
            ends += [length for env, _, length in tracker.step(reward, terminated, truncated) if env == 0]
    finally:
        envs.close()
    # 3 real steps, then the reset transition, again and again.
    assert valid == [True, True, True, False] * 2 + [True]
    assert starts == [True, False, False, False] * 2 + [True]
    assert ends == [3, 3]


def test_lstm_state_zeroed_at_episode_start(ppo):
    torch.manual_seed(0)
    agent = ppo.Agent(6)
    T, N = 6, 2
    x = torch.randint(0, 256, (T * N, 64, 64, 3), dtype=torch.uint8)
    state = (torch.randn(1, N, 256), torch.randn(1, N, 256))
    starts = torch.zeros(T, N)
    starts[3, 0] = 1.0  # env 0's new episode begins at step 3
    with torch.no_grad():
        out, _ = agent.get_states(x, state, starts.reshape(-1))
        out = out.reshape(T, N, -1)
        plain, _ = agent.get_states(x, state, torch.zeros(T * N))
        plain = plain.reshape(T, N, -1)
        x_env0 = x.reshape(T, N, 64, 64, 3)[3:, :1].reshape(-1, 64, 64, 3)
        fresh, _ = agent.get_states(x_env0, agent.initial_state(1), torch.zeros(T - 3))
    # before the start, and in env 1, nothing changes
    torch.testing.assert_close(out[:3], plain[:3])
    torch.testing.assert_close(out[:, 1], plain[:, 1])
    # from the start on, env 0 runs as if from a zero state
    torch.testing.assert_close(out[3:, 0], fresh, atol=1e-6, rtol=1e-5)
    assert not torch.allclose(out[3:, 0], plain[3:, 0])


def test_gae_cuts_at_episode_end_and_skips_reset_transition(ppo):
    gamma, lam = 0.9, 0.8
    # one env, 7 steps: step 2 ends an episode (truncated), step 3 is the reset transition
    rewards = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]).unsqueeze(1)
    values = torch.tensor([0.5, 0.4, 0.3, 0.7, 0.2, 0.1, 0.6]).unsqueeze(1)
    dones = torch.zeros(7, 1)
    dones[2] = 1.0
    valid = torch.ones(7, 1)
    valid[3] = 0.0
    terms = torch.zeros(7, 1)
    next_value = torch.tensor([0.9])
    adv, ret = ppo.compute_gae(rewards, values, next_value, terms, dones, valid, gamma, lam)
    assert adv[3].item() == 0.0
    # the truncated step bootstraps from V(final obs) = values[3], and nothing after it leaks in
    assert adv[2].item() == pytest.approx(1.0 + gamma * 0.7 - 0.3)
    d1 = 0.0 + gamma * 0.3 - 0.4
    assert adv[1].item() == pytest.approx(d1 + gamma * lam * adv[2].item())
    torch.testing.assert_close(ret, adv + values)
    rewards2, values2 = rewards.clone(), values.clone()
    rewards2[4:] = 100.0
    values2[4:] = -50.0
    adv2, _ = ppo.compute_gae(rewards2, values2, next_value, terms, dones, valid, gamma, lam)
    torch.testing.assert_close(adv2[:4], adv[:4])
    # the new episode: a plain GAE over steps 4..6 with the rollout's bootstrap
    d6 = 1.0 + gamma * 0.9 - 0.6
    assert adv[6].item() == pytest.approx(d6)
    # a termination does not bootstrap
    terms[2] = 1.0
    adv3, _ = ppo.compute_gae(rewards, values, next_value, terms, dones, valid, gamma, lam)
    assert adv3[2].item() == pytest.approx(1.0 - 0.3)


@pytest.mark.parametrize("norm_adv", [True, False])
@pytest.mark.parametrize("clip_vloss", [True, False])
def test_loss_ignores_reset_transitions(ppo, norm_adv, clip_vloss):
    args = ppo.Args(norm_adv=norm_adv, clip_vloss=clip_vloss)
    torch.manual_seed(1)
    n = 12
    valid = torch.ones(n)
    valid[[3, 8]] = 0.0
    inputs = {
        "newlogprob": torch.randn(n) * 0.1 - 1.5,
        "oldlogprob": torch.randn(n) * 0.1 - 1.5,
        "entropy": torch.rand(n) + 1.0,
        "newvalue": torch.randn(n),
        "oldvalue": torch.randn(n),
        "advantages": torch.randn(n),
        "returns": torch.randn(n),
    }

    def loss_of(tensors):
        leaves = {k: v.clone().requires_grad_(True) for k, v in tensors.items()}
        loss, stats = ppo.ppo_loss(**leaves, valid=valid, args=args)
        loss.backward()
        return loss, stats, leaves

    loss, stats, leaves = loss_of(inputs)
    garbage = {k: v.clone() for k, v in inputs.items()}
    for k in garbage:
        garbage[k][[3, 8]] = 1e6 if k != "newlogprob" else 80.0  # exp(80) overflows float32 ratios
    loss2, stats2, _ = loss_of(garbage)
    assert torch.isfinite(loss2)
    torch.testing.assert_close(loss2, loss)
    for key in stats:
        torch.testing.assert_close(stats2[key], stats[key])
    for k in ("newlogprob", "newvalue", "entropy"):
        grad = leaves[k].grad
        assert torch.all(grad[[3, 8]] == 0), k
        assert grad[valid > 0].abs().sum() > 0, k
    # the same loss as over the valid samples alone
    keep = valid > 0
    loss3, _ = ppo.ppo_loss(**{k: v[keep] for k, v in inputs.items()}, valid=valid[keep], args=args)
    torch.testing.assert_close(loss3, loss.detach())
