"""The Memory Task Suite's goal-navigation tasks: splits (scale and stimuli), the
continuous actions, the goal loop, buildings, the oracle."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import wall_textures
from memory_bench.envs.memory_suite import goal_arena as ga


def _id(task, split):
    return f"memory_bench:MemoryTasks-{task}_{split}-v0"


@pytest.mark.parametrize("split", sorted(ga.SPLITS))
def test_each_split_sets_its_scale_and_stimuli(split):
    env = gym.make(_id("invisible_goal_with_buildings", split))
    base = env.unwrapped
    stimulus, scales = ga.SPLITS[split]
    sides, styles = set(), set()
    for seed in range(6):
        _, info = env.reset(seed=seed)
        assert info["stimulus"] == stimulus and info["scale"] in scales
        side = ga.SCALES[info["scale"]]
        sides.add(side)
        assert base.map.shape == (side + 2, side + 2)
        walls = base.map.walls
        assert len(base.layout.buildings) == max(1, round(ga.BUILDING_FRACTION * side * side))
        free = np.argwhere(~walls)
        assert (tm.distances(~walls, free[0]) >= 0).sum() == len(free)  # every open cell reachable
        mats = base.arena.model.geom_matid[base.arena.wall_geoms[: side + 2, : side + 2][walls]]
        names = {base.arena.model.material(int(m)).name for m in mats}
        styles |= {wall_textures()[int(n.split("_")[1])][0] for n in names if n.startswith("wall_")}
    assert sides == {ga.SCALES[s] for s in scales}
    assert styles <= set(ga.STIMULUS_STYLES[stimulus])
    env.close()


def test_continuous_actions_walk_and_turn_at_their_rates():
    """Look 1.0 turns 180 degrees a second of engine time; move 1.0 and 0.5 run at
    Quake's 320 u/s and half of it (a 17-cell empty arena, from its west wall east)."""
    speeds = {}
    for move in (1.0, 0.5):
        env = gym.make(_id("invisible_goal_empty_arena", "extrapolate"))
        env.reset(seed=0)
        base = env.unwrapped
        base._spawn_at(150.0, 950.0, 0.0)
        yaw0 = base._state[quake.YAW]
        env.step(np.array([0.0, 0.0, 1.0, 0.0], np.float32))  # look right, one step
        assert (yaw0 - base._state[quake.YAW]) % 360.0 == pytest.approx(ga.MAX_LOOK_DEG_S * quake.FRAME_TIME * 4, abs=0.02)
        base._spawn_at(150.0, 950.0, 0.0)
        for _ in range(25):
            env.step(np.array([0.0, move, 0.0, 0.0], np.float32))
        speeds[move] = float(np.hypot(*base._state[quake.VX: quake.VY + 1]))
        env.close()
    assert speeds[1.0] == pytest.approx(quake.SPEED, rel=1e-3) and speeds[0.5] == pytest.approx(quake.SPEED / 2, rel=1e-3)


@pytest.mark.parametrize("bad", [np.array([0, 1.5, 0, 0], np.float32), np.zeros(3, np.float32),
                                 np.array([0, np.nan, 0, 0], np.float32)])
def test_bad_actions_raise_naming_the_allowed(bad):
    env = gym.make(_id("invisible_goal_empty_arena", "train"))
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"4 floats in \[-1, 1\]: STRAFE_LEFT_RIGHT"):
        env.unwrapped.step(bad)
    env.close()


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="'nowhere'.*invisible_goal_empty_arena"):
        ga.GoalArena("nowhere")
    with pytest.raises(ValueError, match="'test'.*holdout_interpolate"):
        ga.GoalArena(split="test")
    with pytest.raises(ValueError, match="'impala'.*continuous"):
        ga.GoalArena(action_set="impala")
    env = ga.GoalArena(action_set="discrete")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"int in \[0, 8\]: forward"):
        env.step(9)
    env.close()


@pytest.mark.parametrize("task", ga.TASKS)
def test_the_goal_pays_10_and_sends_the_agent_away(task):
    env = gym.make(_id(task, "train"))
    _, info = env.reset(seed=2)
    base = env.unwrapped
    goal = info["goal"]
    assert (len(base.layout.buildings) > 0) == task.endswith("with_buildings")
    gx, gy = tm.cell_centre(np.array(goal), base.map.shape[0])
    base._spawn_at(gx - 30.0, gy, 0.0)
    _, reward, _, _, info = env.step(np.array([0.0, 1.0, 0.0, 0.0], np.float32))
    assert reward == ga.GOAL_REWARD and info["found"] == 1 and info["goal"] == goal and info["map_restarts"] == 1
    cell = np.array(info["cell"])
    assert np.abs(cell - np.array(goal)).max() >= ga.RESPAWN_GAP
    env.close()


def test_only_the_visible_task_shows_its_goal():
    for task, shown in (("visible_goal_with_buildings", True), ("invisible_goal_with_buildings", False)):
        env = ga.GoalArena(task)
        env.reset(seed=1)
        gx, gy = tm.cell_centre(np.array(env.layout.goal), env.map.shape[0])
        env._spawn_at(gx - 60.0, gy, 0.0)
        env._observe()
        seen = np.isin(env._renderer.segmentation, env.arena.item_geoms[0]).any()
        assert seen == shown
        env.close()


@pytest.mark.parametrize("task", ga.TASKS)
def test_reset_is_deterministic(task):
    env = gym.make(_id(task, "holdout_interpolate"))
    rng = np.random.default_rng(0)
    acts = rng.uniform(-1, 1, size=(20, 4)).astype(np.float32)
    a = [env.reset(seed=5)[0]] + [env.step(x)[0] for x in acts]
    b = [env.reset(seed=5)[0]] + [env.step(x)[0] for x in acts]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    env.close()


def test_oracle_returns_to_the_goal_and_random_rarely_finds_it():
    env = gym.make(_id("invisible_goal_with_buildings", "train"))
    oracle = play(env, ga.GoalArenaOracle(), seed=0)
    rand = play(env, RandomAgent(seed=0), seed=0)
    assert oracle >= 200 and rand <= 30
    discrete = gym.make(_id("invisible_goal_with_buildings", "train"), action_set="discrete")
    assert play(discrete, ga.GoalArenaOracle(), seed=0) >= 150
    env.close()
    discrete.close()


def test_gui_plays_with_the_discrete_set(tmp_path):
    pytest.importorskip("pygame")  # conftest sets SDL's dummy video and audio drivers
    from memory_bench.gui import app, load_episode, replay_check

    player = app.Player("MemoryTasks-visible_goal_with_buildings_train-v0", seed=1, out=tmp_path, max_steps=4, fps=0)
    try:
        assert player.make_kwargs["action_set"] == "discrete" and player.action_names[player.noop] == "noop"
        for k in ({"up"}, {"left"}, {"up"}, set()):
            player.tick(k)
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (5, 72, 96, 3) and replay_check(player.saved[0])
