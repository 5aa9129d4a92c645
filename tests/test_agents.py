"""Scripted agents: interface, exploration coverage, the oracle far above random."""

import json

import gymnasium as gym
import numpy as np
import pytest

import memory_bench  # noqa: F401
from memory_bench.agents import AGENTS, ExplorerAgent, OracleAgent, RandomAgent, driving, make_agent
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


# ---------------------------------------------------------------- the oracle's driver


def _trace(env, actions):
    """Per step: distance moved (cells) and heading change (degrees), without images."""
    out, p = [], env.probe_observation()
    for a in actions:
        env._advance(a)
        q = env.probe_observation()
        turn = np.degrees(np.arctan2(q["agent_dir"][1], q["agent_dir"][0]) - np.arctan2(p["agent_dir"][1], p["agent_dir"][0]))
        out.append((float(np.hypot(*(q["agent_pos"] - p["agent_pos"]))), float((turn + 180) % 360 - 180)))
        p = q
    return out


def test_driver_motion_model_matches_the_ball(open_env):
    """The figures the oracle's model is built on, measured on the env's physics."""
    env = open_env  # an open room, at rest, facing 13 free cells
    fwd = _trace(env, [1] * 6)
    V = driving.V_MAX
    assert fwd[0][0] == pytest.approx(V * (1 - driving.AVG_LAG), abs=0.005)  # 0.111 from rest
    assert fwd[1][0] == pytest.approx(V - V * driving.END_LAG * driving.AVG_LAG, abs=0.01)  # 0.219
    assert fwd[5][0] == pytest.approx(V, abs=0.003)  # top speed 0.25 cells a step
    assert all(abs(t) < 1e-6 for _, t in fwd)
    arc = _trace(env, [4] * 3)  # forward-left at speed: turns at the full rate and keeps the speed
    omega = np.degrees(driving.OMEGA)
    assert arc[0][1] == pytest.approx(omega * (1 - driving.TURN_LAG), abs=0.6)  # 14.4 degrees
    assert arc[2][1] == pytest.approx(omega, abs=0.3)  # 18.3 degrees a step
    assert min(d for d, _ in arc) > 0.24
    env.reset(seed=3)
    spin = _trace(env, [2] * 4)  # turning on the spot: the same rate
    assert spin[3][1] == pytest.approx(omega, abs=0.3)
    assert max(d for d, _ in spin) < 0.01
    # only the ball (0.1 cells) meets walls
    m = env.world.model
    shell = [g for g in range(m.ngeom) if m.geom_contype[g] & 1 and m.geom_bodyid[g] != 0]
    assert len(shell) == 1 and m.geom_size[shell[0], 0] / 2.0 == pytest.approx(driving.BALL)


def test_distance_field_is_any_angle_and_goes_round_walls():
    floor = np.ones((9, 9), bool)
    floor[0] = floor[-1] = floor[:, 0] = floor[:, -1] = False
    target = np.array([2.5, 4.5])
    f = driving.distance_field(driving.path_costs(floor), target)
    for x, y in ((6.5, 4.5), (6.5, 6.5), (4.0, 2.0)):
        straight = np.hypot(x - target[0], y - target[1]) - driving.TOUCH
        assert driving._sample(f, x, y) == pytest.approx(straight, rel=0.01)
    floor[1:7, 4] = False  # a wall between, open at the top rows
    f = driving.distance_field(driving.path_costs(floor), target)
    around = driving._sample(f, 6.5, 4.5)
    assert around > np.hypot(4.0, 0.0) + 2.0  # must go round the wall's end at y = 7
    assert np.isfinite(around)


def test_oracle_is_deterministic_and_near_the_max_score_on_9x9():
    """Full 9x9 episodes: the oracle is close to the original's mean max score (34.8)."""
    env = MemoryMazeEnv(9, extra_obs=True, camera_resolution=16)
    scores, actions = [], []
    for seed in (0, 1, 2, 3):
        obs, info = env.reset(seed=seed)
        agent = OracleAgent()
        agent.reset()
        score, acts = 0.0, []
        for _ in range(env.max_steps):
            a = agent.act(obs, info)
            acts.append(a)
            obs, reward, terminated, truncated, info = env.step(a)
            score += reward
        scores.append(score)
        actions.append(acts)
    obs, info = env.reset(seed=0)
    agent = OracleAgent()
    again = []
    for _ in range(200):
        again.append(agent.act(obs, info))
        obs, *_ = env.step(again[-1])
    env.close()
    assert again == actions[0][:200]
    assert np.mean(scores) >= 31.0, scores  # the grid-path navigator got about 28


def test_maze_scores_cli(tmp_path, capsys):
    from memory_bench.agents import maze_scores

    out = tmp_path / "scores.json"
    assert maze_scores.main(["--episodes", "2", "--sizes", "9", "--policies", "random", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "| 9x9 | random |" in printed and "34.8" in printed
    r = json.loads(out.read_text())["9"]["random"]
    assert r["episodes"] == 2 and 0 <= r["mean"] < 15
    assert r["mean"] == pytest.approx(np.mean([maze_scores.play(9, "random", s) for s in (0, 1)]))
    assert not list(tmp_path.glob("*.tmp"))
    for bad, msg in ((["--sizes", "10"], "unknown maze sizes"), (["--policies", "smart"], "unknown policies"),
                     (["--episodes", "0"], "must be a positive integer")):
        with pytest.raises(SystemExit):
            maze_scores.main(bad)
        assert msg in capsys.readouterr().err
