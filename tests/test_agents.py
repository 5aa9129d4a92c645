"""Scripted agents: interface, exploration coverage, the oracle far above random."""

import gymnasium as gym
import numpy as np
import pytest

import memory_bench  # noqa: F401
from memory_bench.agents import AGENTS, ExplorerAgent, OracleAgent, RandomAgent, make_agent
from memory_bench.envs.memory_maze import MemoryMazeEnv
from memory_bench.wrappers import ProbeObservations


def _play(env, agent, steps, seed):
    obs, info = env.reset(seed=seed)
    agent.reset()
    score, cells = 0.0, set()
    for _ in range(steps):
        obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
        pos = obs["agent_pos"] if isinstance(obs, dict) else info["agent_pos"]
        cells.add((int(pos[0]), int(pos[1])))
        score += reward
        if terminated or truncated:
            break
    return score, cells


def test_random_agent_is_seeded_and_in_range():
    a, b = RandomAgent(3), RandomAgent(3)
    xs = [a.act(None, None) for _ in range(200)]
    assert xs == [b.act(None, None) for _ in range(200)]
    assert set(xs) == set(range(6))


def test_make_agent_and_no_arg_oracle():
    assert isinstance(OracleAgent(), OracleAgent)
    for name, cls in AGENTS.items():
        assert isinstance(make_agent(name, seed=0), cls)
    with pytest.raises(ValueError, match="unknown policy"):
        make_agent("nope")


def test_steering_agents_explain_missing_probe_values():
    env = MemoryMazeEnv(9, camera_resolution=16)
    obs, info = env.reset(seed=0)
    for agent in (ExplorerAgent(0), OracleAgent()):
        with pytest.raises(KeyError, match="ExtraObs"):
            agent.act(obs, info)
    env.close()


def test_explorer_covers_most_floor_cells_in_1000_steps():
    # probe values through info, as the explorer documents (the agent sees images only)
    env = ProbeObservations(MemoryMazeEnv(9, camera_resolution=16), to="info")
    fractions = []
    for seed in (0, 1):
        _, info = env.reset(seed=seed)
        floor = int((info["maze_layout"] != 0).sum())
        _, cells = _play(env, ExplorerAgent(seed=seed), 1000, seed)
        fractions.append(len(cells) / floor)
    env.close()
    assert min(fractions) >= 0.8, fractions


def test_oracle_far_above_random_on_9x9():
    env = MemoryMazeEnv(9, extra_obs=True, camera_resolution=16)
    oracle = [_play(env, OracleAgent(), 300, seed)[0] for seed in (0, 1)]
    random = [_play(env, RandomAgent(seed), 300, seed)[0] for seed in (0, 1)]
    env.close()
    assert np.mean(oracle) >= 6, oracle
    assert np.mean(oracle) >= np.mean(random) + 5, (oracle, random)


def test_oracle_on_extraobs_id():
    env = gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0", camera_resolution=16, max_steps=120)
    score, _ = _play(env, OracleAgent(), 200, 5)
    env.close()
    assert score >= 2
