"""The DMLab-style engine and the explore levels: Quake III motion against its constants,
level rules, map restarts, determinism, observations and errors."""

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab.base import ACTION_NAMES, IMPALA_ACTIONS
from memory_bench.envs.dmlab.explore import DMLAB30_EXPLORE, MEMORY_SUITE_EXPLORE, ExploreEnv
from memory_bench.registry import ENVS

EXPLORE_IDS = sorted(i for i, e in ENVS.items() if "Explore" in e.family)
DT = quake.FRAME_TIME  # 16 ms of engine time a frame
OPEN = np.zeros((12, 40), dtype=bool)  # an open hall, walls all round
OPEN[0] = OPEN[-1] = OPEN[:, 0] = OPEN[:, -1] = True
NO_BOXES = np.zeros((0, 6))
NO_ITEMS = np.zeros((0, 4))


def run(st, fl, cmd, frames, solid=OPEN, boxes=NO_BOXES):
    out = []
    for _ in range(frames):
        quake.run_frames(st, fl, np.asarray(cmd, dtype=np.float64), 1, solid, 100.0, np.full(solid.shape, 100.0), boxes, quake.NO_TERRAIN,
                         quake.NO_TERRAIN_GRID, NO_ITEMS,
                         np.zeros(0, bool), np.zeros(0, bool), DT)
        out.append(st.copy())
    return np.array(out)


def fresh(x=250.0, y=600.0, yaw=0.0):
    st, fl = quake.new_state()
    quake.spawn(st, fl, x, y, yaw)
    return st, fl


def expected_speeds(frames, wish=320.0):
    """Quake III's ground friction then acceleration, frame by frame, from rest."""
    v, out = 0.0, []
    for _ in range(frames):
        if v >= 1:
            v = max(0.0, v - max(v, 100.0) * 6.0 * DT)
        else:
            v = 0.0
        v += min(max(wish - v, 0.0), 10.0 * DT * wish)
        out.append(v)
    return np.array(out)


# ---------------------------------------------------------------------- motion
def test_speed_up_and_top_speed_follow_the_constants():
    st, fl = fresh()
    states = run(st, fl, [127, 0, 0, 0, 0], 30)
    speed = np.hypot(states[:, quake.VX], states[:, quake.VY])
    np.testing.assert_allclose(speed, expected_speeds(30), rtol=0, atol=1e-9)
    assert speed[0] == pytest.approx(320 * 10 * 0.016)  # first frame: accel * dt * wishspeed
    assert speed[-1] == pytest.approx(320.0)  # top speed 320 u/s, reached in 9 frames
    assert np.argmax(speed >= 320 - 1e-9) == 9  # reached in the tenth frame (0.17 s of frames)
    # distance: each frame moves by its velocity after friction and acceleration
    assert states[-1, quake.X] - 250.0 == pytest.approx(expected_speeds(30).sum() * DT)


def test_strafe_and_backward_are_as_fast_and_diagonals_not_faster():
    for cmd in ([0, 127, 0, 0, 0], [-127, 0, 0, 0, 0], [127, 127, 0, 0, 0]):
        st, fl = fresh(x=2000.0)
        states = run(st, fl, cmd, 40)
        assert np.hypot(states[-1, quake.VX], states[-1, quake.VY]) == pytest.approx(320.0)
    st, fl = fresh(yaw=90.0)
    states = run(st, fl, [0, 127, 0, 0, 0], 40)  # strafe right while facing +y: moves +x
    assert states[-1, quake.VX] == pytest.approx(320.0) and abs(states[-1, quake.VY]) < 1e-6


def test_stopping_distance_from_top_speed():
    st, fl = fresh()
    run(st, fl, [127, 0, 0, 0, 0], 30)
    x0 = st[quake.X]
    states = run(st, fl, [0, 0, 0, 0, 0], 60)
    v, dist, frames = 320.0, 0.0, 0
    while v >= 1:  # friction: 10 % a frame above stop speed, then 10 u/s a frame
        v = max(0.0, v - max(v, 100.0) * 6.0 * DT)
        dist += v * DT
        frames += 1
    assert states[-1, quake.X] - x0 == pytest.approx(dist, abs=1e-9)
    assert np.hypot(states[-1, quake.VX], states[-1, quake.VY]) == 0.0
    assert frames == 22 and 35 < dist < 45  # 22 frames (0.37 s), about 40 u


def test_turn_rate_of_the_impala_look_actions():
    env = ExploreEnv("explore_goal_locations_small")
    env.reset(seed=0)
    yaw0 = env._state[quake.YAW]
    env.step(ACTION_NAMES.index("look_left"))
    turned = (env._state[quake.YAW] - yaw0 + 180) % 360 - 180
    per_step = 20 * 4 * 0.11 * 60 / 1000 * 16  # DMLab: 0.11 * 60 / 1000 degrees per ms per pixel, 16 ms a frame
    assert per_step == pytest.approx(8.448)
    assert turned == pytest.approx(per_step, abs=1e-9)
    env.step(ACTION_NAMES.index("look_right"))
    assert (env._state[quake.YAW] - yaw0 + 180) % 360 - 180 == pytest.approx(0.0, abs=1e-9)
    # a full turn: 360 / 8.448 = 42.6 steps of look_left
    assert quake.view_angles(env._state)[0] == pytest.approx(yaw0, abs=360 / 65536)
    env.close()


def test_walls_stop_the_box_at_the_surface_epsilon_and_it_slides():
    st, fl = fresh(x=3800.0, y=600.0, yaw=30.0)
    states = run(st, fl, [127, 0, 0, 0, 0], 200)
    # the right wall's face is at x = 3900; the box is 15 u wide either side
    assert states[-1, quake.X] == pytest.approx(3900 - 15 - 0.125, abs=0.01)
    assert states[-1, quake.Y] > 600.0 + 100.0  # slid along the wall
    assert np.all(states[:, quake.X] <= 3900 - 15)


def test_jump_height_and_step_up():
    st, fl = fresh()
    states = run(st, fl, [0, 0, 127, 0, 0], 1)
    states = np.concatenate([states, run(st, fl, [0, 0, 0, 0, 0], 60)])
    apex = states[:, quake.Z].max() - 24.125
    assert apex == pytest.approx(270.0**2 / (2 * 800.0), abs=3.0)  # 45.6 u, Euler-stepped
    assert states[-1, quake.Z] == pytest.approx(24.125) and fl[quake.ON_GROUND] == 1
    for height, climbs in ((18.0, True), (19.0, False)):
        st, fl = fresh()
        box = np.array([[400.0, 100.0, 0.0, 1500.0, 1100.0, height]])
        states = run(st, fl, [127, 0, 0, 0, 0], 90, boxes=box)
        assert (states[-1, quake.Z] == pytest.approx(24.125 + height, abs=0.2)) == climbs
        assert (states[-1, quake.X] > 420.0) == climbs


def test_crouch_slows_to_a_quarter():
    st, fl = fresh()
    states = run(st, fl, [127, 0, -127, 0, 0], 60)
    assert np.hypot(states[-1, quake.VX], states[-1, quake.VY]) == pytest.approx(80.0)


# ---------------------------------------------------------------------- levels
@pytest.mark.parametrize("env_id", EXPLORE_IDS)
def test_same_seed_same_episode(env_id):
    a, b = gym.make(f"memory_bench:{env_id}"), gym.make(f"memory_bench:{env_id}")
    oa, ia = a.reset(seed=5)
    ob, ib = b.reset(seed=5)
    assert np.array_equal(oa, ob) and a.unwrapped.map.text() == b.unwrapped.map.text()
    rng = np.random.default_rng(0)
    for _ in range(30):
        act = int(rng.integers(9))
        oa, ra, *_, ia = a.step(act)
        ob, rb, *_, ib = b.step(act)
        assert np.array_equal(oa, ob) and ra == rb and np.array_equal(ia["position"], ib["position"])
    a.reset(seed=6)
    assert a.unwrapped.map.text() != b.unwrapped.map.text()
    a.close()
    b.close()


@pytest.mark.parametrize("name", sorted(DMLAB30_EXPLORE))
def test_maze_parameters_and_marks(name):
    env = ExploreEnv(name)
    level = DMLAB30_EXPLORE[name]
    for seed in range(3):
        env.reset(seed=seed)
        m = env.map
        assert m.shape == (level.maze.height, level.maze.width)
        assert m.walls[0].all() and m.walls[-1].all() and m.walls[:, 0].all() and m.walls[:, -1].all()
        assert len(m.spawns) > 0 and len(m.goals) > 0
        assert (len(m.doors) > 0) == (level.kind == "obstructed_goals")
        if level.kind == "object_locations":
            assert len(env.apple_cells) == len(m.goals) // 2
        if level.kind == "object_rewards":
            assert env.good.sum() == level.categories // 2 and env._active.sum() == level.categories
    env.close()


def teleport(env, cell):
    x, y = tm.cell_centre(np.asarray(cell), env.map.shape[0])
    env._state[quake.X], env._state[quake.Y] = x, y


def test_goal_gives_ten_and_restarts_the_map_with_a_new_reachable_spawn():
    env = ExploreEnv("explore_goal_locations_large")
    _, info = env.reset(seed=1)
    goal, text = info["goal_cell"].copy(), env.map.text()
    teleport(env, goal)
    _, reward, terminated, truncated, info = env.step(ACTION_NAMES.index("fire"))
    assert reward == 10.0 and not terminated and not truncated and info["map_restarts"] == 1
    assert np.array_equal(info["goal_cell"], goal) and env.map.text() == text
    spawns = {tuple(c) for c in env.map.spawns}
    assert tuple(info["cell"]) in spawns
    dist = tm.distances(~env.map.walls, goal)
    assert dist[tuple(info["cell"])] >= 0
    assert env._active[0]  # the goal is back for the next find
    env.close()


def test_apples_reward_one_and_all_taken_restarts_with_the_same_apples():
    env = ExploreEnv("explore_object_locations_small")
    _, info = env.reset(seed=2)
    apples = info["apple_cells"].copy()
    total = 0.0
    for k, cell in enumerate(apples):
        teleport(env, cell)
        _, r, *_, info = env.step(ACTION_NAMES.index("fire"))
        total += r
        assert info["map_restarts"] == (1 if k == len(apples) - 1 else 0)
    assert total == len(apples)
    assert np.array_equal(info["apple_cells"], apples)  # all back after the restart
    env.close()


def test_obstructed_goals_open_a_path_and_half_the_other_doors():
    env = ExploreEnv("explore_obstructed_goals_small")
    for seed in range(5):
        _, info = env.reset(seed=seed)
        doors = {tuple(d) for d in env.map.doors}
        closed = {tuple(d) for d in info["closed_doors"]}
        on_path = doors & set(env.door_path)
        # the path's doors open, then floor(half) of the doors still closed
        assert not (closed & on_path)
        rest = len(doors) - len(on_path)
        assert len(closed) == rest - rest // 2
        # the goal is reachable from the spawn through the open doors
        assert tm.distances(~env._solid, info["goal_cell"])[tuple(info["cell"])] >= 0
        assert env.door_path[0] == tuple(info["cell"]) and env.door_path[-1] == tuple(info["goal_cell"])
    env.close()


def test_object_rewards_good_two_bad_minus_one_restart_when_good_gone():
    env = ExploreEnv("explore_object_rewards_few")
    env.reset(seed=3)
    bad = [s for s in range(4) if not env.good[s]]
    good = [s for s in range(4) if env.good[s]]
    rewards = []
    for slot in bad + good:
        cell = tm.world_cell(env._items[slot, :2], env.map.shape[0])
        teleport(env, cell)
        _, r, *_, info = env.step(ACTION_NAMES.index("fire"))
        rewards.append(r)
    assert rewards == [-1.0, -1.0, 2.0, 2.0] and info["map_restarts"] == 1
    assert env._active.all()  # one object of each category again
    env.close()


@pytest.mark.parametrize("name", sorted(MEMORY_SUITE_EXPLORE))
def test_memory_suite_goal_stays_in_its_row_band(name):
    env = ExploreEnv(name)
    r0, r1 = MEMORY_SUITE_EXPLORE[name].goal_rows  # 1-based, as DMLab's Lua counts rows
    yaws = []
    for seed in range(3):
        _, info = env.reset(seed=seed)
        assert r0 <= info["goal_cell"][0] + 1 <= r1
        yaws.append(info["yaw"])
    assert len(set(yaws)) == 3 and all(0.0 <= y < 360.0 for y in yaws)  # random spawn yaw
    assert env.max_steps == 1800
    env.close()


# ---------------------------------------------------------------------- observations and actions
def test_rgbd_and_size_and_clock():
    env = ExploreEnv("explore_goal_locations_small", observation="RGBD", height=60, width=80)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (60, 80, 4) and obs.dtype == np.uint8
    # facing a wall from the middle of the next cell: the wall's face is 50 u away
    cell = env.map.spawns[0]
    for yaw, (dr, dc) in ((0.0, (0, 1)), (90.0, (-1, 0)), (180.0, (0, -1)), (270.0, (1, 0))):
        if env.map.walls[cell[0] + dr, cell[1] + dc]:
            break
    env._spawn(cell, yaw)
    depth = env._observe()[..., 3]
    assert depth[30, 40] == round(255 * 50 / 1000)
    # the wall fills the view (it stands 50 u above the eye), farther off-axis the
    # depth along the view axis stays 50 u
    assert np.all(np.abs(depth.astype(int) - 13) <= 1)
    obs, _ = env.reset(seed=0)
    no_clock = ExploreEnv("explore_goal_locations_small", show_clock=False, height=60, width=80)
    o2, _ = no_clock.reset(seed=0)
    diff = np.any(o2 != obs[..., :3], axis=-1)
    rows, cols = np.nonzero(diff)
    assert diff.any() and rows.max() < 12 and cols.min() > 50  # only the top-right corner differs
    env.close()
    no_clock.close()


def test_raw_actions_move_and_turn():
    env = ExploreEnv("explore_goal_locations_small", action_set="raw")
    assert env.action_space.shape == (7,)
    _, info = env.reset(seed=0)
    yaw = info["yaw"]
    _, _, _, _, info = env.step(np.array([-57, 0, 0, 0, 0, 0, 0]))
    turned = (info["yaw"] - yaw) % 360
    assert turned == pytest.approx(4 * 57 * quake.LOOK_DEGREES_PER_PIXEL, abs=0.05)
    _, _, _, _, info = env.step(np.array([0, 30, 0, 0, 0, 0, 0]))
    assert info["pitch"] == pytest.approx(4 * 30 * quake.LOOK_DEGREES_PER_PIXEL, abs=0.05)
    env.close()


def test_episode_lasts_its_frames():
    env = ExploreEnv("explore_goal_locations_small")
    env.reset(seed=0)
    assert env.episode_frames == 5400 and env.max_steps == 1350
    for t in range(1350):
        _, _, truncated = env._advance(0)
        assert truncated == (t == 1349)
    assert env.frames == 5400 and env._needs_reset
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.close()


@pytest.mark.parametrize("kwargs, match", [
    (dict(level="explore_goal_location_small"), "unknown explore level 'explore_goal_location_small'"),
    (dict(action_set="dmlab"), "unknown action_set 'dmlab'"),
    (dict(action_repeat=0), "action_repeat=0"),
    (dict(height=4), "height=4"),
    (dict(observation="RGB_INTERLEAVED"), "unknown observation"),
    (dict(renderer="vulkan"), "unknown renderer"),
])
def test_bad_arguments_name_the_value(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ExploreEnv(**kwargs)


def test_bad_actions_and_options():
    env = ExploreEnv("explore_goal_locations_small")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"invalid action 9.*forward, backward"):
        env.step(9)
    with pytest.raises(ValueError, match="takes no options"):
        env.reset(options={"level": 1})
    raw = ExploreEnv("explore_goal_locations_small", action_set="raw")
    raw.reset(seed=0)
    with pytest.raises(ValueError, match="LOOK_LEFT_RIGHT_PIXELS_PER_FRAME in \\[-512, 512\\]"):
        raw.step(np.array([600, 0, 0, 0, 0, 0, 0]))
    env.close()
    raw.close()


def test_impala_table_matches_its_names():
    assert len(IMPALA_ACTIONS) == len(ACTION_NAMES) == 9
    assert IMPALA_ACTIONS[ACTION_NAMES.index("forward_look_right")].tolist() == [20, 0, 0, 1, 0, 0, 0]


def test_text_map_parse_and_errors():
    m = tm.parse("*****\n*P G*\n*****")
    assert m.spawns.tolist() == [[1, 1]] and m.goals.tolist() == [[1, 3]] and m.walls.sum() == 12
    with pytest.raises(ValueError, match="unknown character"):
        tm.parse("**\n*X")
    with pytest.raises(ValueError, match="height=10 must be an odd int"):
        tm.MazeParams(height=10, width=11, max_rooms=1)


def test_gui_plays_and_replays_an_explore_id(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pytest.importorskip("pygame")
    from memory_bench.gui import app, load_episode, replay_check

    player = app.Player("DMLab-explore_obstructed_goals_small-v0", seed=3, out=tmp_path, max_steps=6, fps=0)
    try:
        keys = ({"up"}, set(), {"left"}, {"up", "right"}, {"a"}, {"space"})
        played = [player.tick(k) for k in keys]
        player.draw()
    finally:
        player.close()
    names = [ACTION_NAMES[a] for a in played]
    # no key held plays fire, the level's do-nothing action (the IMPALA set has no noop)
    assert names == ["forward", "fire", "look_left", "forward_look_right", "strafe_left", "fire"]
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (7, 72, 96, 3) and meta["env_id"] == "DMLab-explore_obstructed_goals_small-v0"
    assert replay_check(player.saved[0])


def test_render_human_opens_a_pygame_window(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    env = gym.make("memory_bench:DMLab-explore_goal_locations_small-v0", render_mode="human")
    env.reset(seed=0)
    env.step(0)
    surface = pygame.display.get_surface()
    assert surface is not None and surface.get_size() == (96 * 6, 72 * 6)
    env.close()
    assert not pygame.display.get_init()
