"""DMLab-30's sky mazes: the platforms_v1 generator, heights and drops, the goal, the
scripted oracle."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import skymaze as sk

IDS = {"hard": "DMLab-skymaze_irreversible_path_hard-v0", "varied": "DMLab-skymaze_irreversible_path_varied-v0"}


@pytest.mark.parametrize("difficulty, size, paths", [(0.0, 4, 1), (0.5, 7, 5), (0.9, 9, 7), (1.0, 10, 8)])
def test_generator_sizes_bands_and_heights(difficulty, size, paths):
    rng = np.random.default_rng(0)
    for _ in range(40):
        heights, start, goal = sk.generate(difficulty, rng)
        assert heights.shape == (2 * size + 1,) * 2
        # path-grid cells sit at odd map coordinates; bands of rows, columns 2 .. L-1
        (sr, sc), (gr, gc) = [((r - 1) // 2, (c - 1) // 2) for r, c in (start, goal)]
        assert sr < size / 3 + 1 and gr >= np.floor(2 * size / 3) and 1 <= sc <= size - 2 and 1 <= gc <= size - 2
        assert size - 3 <= abs(sr - gr) + abs(sc - gc) <= size - 2
        assert heights[start] == sk.MAX_HEIGHT
        shown = heights[heights > 0]
        assert shown.min() >= 1 and (shown[shown != sk.MAX_HEIGHT] <= 21).all()  # side paths may end below 8
        assert heights[0].sum() == heights[-1].sum() == heights[:, 0].sum() == heights[:, -1].sum() == 0
        way = sk.route(heights, start, goal)
        assert way[0] == tuple(start) and way[-1] == tuple(goal)
        assert all(heights[b] <= heights[a] for a, b in zip(way, way[1:]))  # only level or down


def test_hard_mazes_have_dead_ends():
    """Secondary paths end one step below where they rejoin: platforms from which the
    goal cannot be reached any more (the level's point)."""
    rng = np.random.default_rng(1)
    traps = 0
    for _ in range(20):
        heights, start, goal = sk.generate(0.9, rng)
        cells = list(zip(*np.nonzero(heights)))
        traps += sum(not sk.route(heights, c, goal) for c in cells)
    assert traps > 20


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="'irreversible_path_easy'"):
        sk.SkyMaze("irreversible_path_easy")
    with pytest.raises(ValueError, match="difficulty=1.5"):
        sk.SkyMaze(difficulty=1.5)
    with pytest.raises(ValueError, match="difficulty=-0.1"):
        sk.generate(-0.1, np.random.default_rng(0))


def test_spawn_on_the_start_platform_and_goal_on_its_own():
    env = gym.make(IDS["hard"])
    obs, info = env.reset(seed=3)
    base = env.unwrapped
    assert obs.shape == (72, 96, 3) and base.map.shape == (21, 21)
    assert tuple(info["cell"]) == base.start
    assert info["position"][2] == pytest.approx(800.0 + 24.0 + quake.SURFACE_CLIP_EPSILON)  # 20 (26 + 14) u
    gx, gy = tm.cell_centre(np.array(base.goal), 21)
    assert np.allclose(base._items[0, :3], (gx, gy, sk.floor_units(base.heights[base.goal]) + 15.0))
    env.close()


def _drive(env, cmd, frames):
    base = env.unwrapped
    out = []
    for _ in range(frames):
        quake.run_frames(base._state, base._flags, np.asarray(cmd, float), 1, base._solid, tm.CELL_UNITS,
                         base._wall_top, base._boxes, base._hz, base._hg, base._items, np.zeros(1, bool), np.zeros(1, bool), quake.FRAME_TIME)
        out.append(base._state.copy())
    return np.array(out)


def test_drops_fall_under_quake_gravity_and_rises_block():
    """Walking off a platform falls at g = 800 u/s^2 (Quake's g_gravity): z drops by
    g t^2 / 2 of engine time; a 20 u rise is higher than the 18 u step and stops the
    walk."""
    env = sk.SkyMaze()
    env.reset(seed=0)
    st, fl = env._state, env._flags
    # free fall from rest, in the air over the start platform
    quake.spawn(st, fl, *st[:2], 0.0, floor_z=900.0)
    fl[quake.ON_GROUND] = 0
    z0 = st[quake.Z]
    traj = _drive(env, (0, 0, 0, 0, 0), 10)
    t = 10 * quake.FRAME_TIME
    assert z0 - traj[-1, quake.Z] == pytest.approx(0.5 * quake.GRAVITY * t * t, rel=1e-6)
    # a wall one height step up: put the agent below a neighbour of the start platform
    heights = env.heights
    r, c = env.start
    low = [(r + dr, c + dc) for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0)) if heights[r + dr, c + dc] > 0][0]
    x, y = tm.cell_centre(np.array(low), 21)
    sx, sy = tm.cell_centre(np.array(env.start), 21)
    yaw = float(np.degrees(np.arctan2(sy - y, sx - x)))
    env._spawn_at(x, y, yaw, z=float(sk.floor_units(heights[low])))
    traj = _drive(env, (quake.MOVE_SCALE, 0, 0, 0, 0), 60)
    d = np.hypot(traj[:, 0] - x, traj[:, 1] - y)
    assert d.max() == pytest.approx(50.0 + quake.PLAYER_MINS[0] - quake.SURFACE_CLIP_EPSILON, abs=0.01)  # stopped at the cell edge
    assert np.allclose(traj[:, quake.Z], traj[0, quake.Z])


def test_jump_and_crouch_are_held_at_zero():
    env = gym.make(IDS["hard"], action_set="raw")
    env.reset(seed=0)
    z = env.unwrapped._state[quake.Z]
    for _ in range(5):
        _, _, _, _, info = env.step(np.array([0, 0, 0, 0, 0, 1, 0]))
    assert info["position"][2] == pytest.approx(z)
    env.close()


def test_goal_pays_100_and_ends_the_episode_after_0_2_s():
    env = sk.SkyMaze()
    env.reset(seed=4)
    agent = sk.SkyMazeOracle()
    agent.reset(env)
    total, steps_after = 0.0, None
    for _ in range(900):
        r, terminated, truncated = env._advance(agent.act(env))
        total += r
        if r:
            steps_after = 0
        elif steps_after is not None:
            steps_after += 1
        if terminated or truncated:
            break
    assert total == 100.0 and terminated and steps_after == 3  # 12 frames: 3 steps of 4


@pytest.mark.parametrize("level", ["hard", "varied"])
def test_oracle_reaches_the_goal_and_random_rarely_does(level):
    env = gym.make(IDS[level])
    assert [play(env, sk.SkyMazeOracle(), seed=s) for s in range(4)] == [100.0] * 4
    rand = [play(env, RandomAgent(seed=s), seed=s) for s in range(6)]
    assert np.mean(rand) < 50
    env.close()


def test_varied_draws_a_difficulty_per_episode_and_is_deterministic():
    env = gym.make(IDS["varied"])
    ds = set()
    for seed in range(5):
        _, info = env.reset(seed=seed)
        ds.add(round(info["difficulty"], 6))
    assert len(ds) == 5
    a = [env.reset(seed=9)[0]] + [env.step(k % 9)[0] for k in range(20)]
    b = [env.reset(seed=9)[0]] + [env.step(k % 9)[0] for k in range(20)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    env.close()


def test_view_from_the_start_shows_platforms_below_and_sky():
    env = sk.SkyMaze(height=72, width=96, show_clock=False)
    env.reset(seed=0)
    st = env._state
    st[quake.PITCH] = 35.0  # looking down
    img = env._observe()
    sky_only = sk.SkyMaze(height=72, width=96, show_clock=False)
    sky_only.reset(seed=0)
    sky_only._spawn_at(-5000.0, -5000.0, 0.0, z=800.0)  # far outside the maze
    sky_only._state[quake.PITCH] = 35.0
    assert not np.array_equal(img, sky_only._observe())
    env.close()
    sky_only.close()

