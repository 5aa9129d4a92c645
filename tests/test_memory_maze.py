"""Memory Maze's task rules, observations, motion and errors, checked against the original's."""

import os
import subprocess
import sys
import textwrap

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.engine.scene import TARGET_COLORS
from memory_bench.envs.memory_maze import SIZES, MemoryMazeEnv
from memory_bench.envs.oracle import shortest_path


def border_of(color: np.ndarray) -> np.ndarray:
    return (color * 255 * 0.7).astype(np.uint8)


def agent_cell(obs) -> tuple[int, int]:
    x, y = obs["agent_pos"]
    return int(x), int(y)


# ---------------------------------------------------------------------------- episode structure


@pytest.mark.parametrize("size,length", [(9, 1000), (11, 2000), (13, 3000), (15, 4000)])
def test_episode_length_per_size(size, length):
    """Truncated (never terminated) after exactly the original's number of steps."""
    env = MemoryMazeEnv(size, camera_resolution=16)
    assert env.n_targets == SIZES[size].n_targets
    env.reset(seed=size)
    for t in range(1, length + 1):
        _, _, terminated, truncated, _ = env.step(t % 6)
        assert not terminated
        assert truncated == (t == length), t
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    env.close()


@pytest.mark.parametrize("env_id,length", [("MemoryMaze-9x9-HiFreq-v0", 10000), ("MemoryMaze-15x15-HiFreq-v0", 40000)])
def test_hifreq_same_time_ten_times_the_steps(env_id, length):
    env = gym.make(f"memory_bench:{env_id}")
    assert env.spec.max_episode_steps == env.unwrapped.max_steps == length
    assert env.unwrapped.n_substeps * 10 == MemoryMazeEnv(9, camera_resolution=16).n_substeps
    env.close()


# ---------------------------------------------------------------------------- layouts


@pytest.mark.parametrize("size", sorted(SIZES))
def test_targets_in_distinct_rooms_and_reachable(size):
    env = MemoryMazeEnv(size, extra_obs=True, camera_resolution=16)
    for seed in range(8):
        obs, _ = env.reset(seed=seed)
        lay = env.world.layout
        maze = obs["maze_layout"]
        # one target per room, in distinct rooms
        cells = np.stack([lay.shape[0] - 2 - obs["targets_pos"][:, 1].astype(int), obs["targets_pos"][:, 0].astype(int) + 1], -1)
        rooms = lay.rooms[cells[:, 0], cells[:, 1]]
        assert np.all(rooms > 0) and len(set(rooms.tolist())) == env.n_targets
        # targets sit at cell centres on floor, and every one is reachable from the spawn
        assert np.allclose(obs["targets_pos"] % 1, 0.5)
        start = agent_cell(obs)
        assert maze[start[1], start[0]] == 1
        for tx, ty in obs["targets_pos"].astype(int):
            assert maze[ty, tx] == 1
            assert shortest_path(maze, start, (int(tx), int(ty))) is not None
        # the maze is bounded by walls and has rooms (brighter floor) apart from corridors
        assert lay.walls[0].all() and lay.walls[-1].all() and lay.walls[:, 0].all() and lay.walls[:, -1].all()
        assert np.array_equal(maze, (~lay.walls[1:-1, 1:-1])[::-1].astype(np.uint8))
    env.close()


def test_15x15_uses_up_to_nine_rooms_of_size_three():
    env = MemoryMazeEnv(15, camera_resolution=16)
    counts = []
    for seed in range(10):
        env.reset(seed=seed)
        rooms = env.world.layout.rooms
        counts.append(rooms.max())
        for k in range(1, rooms.max() + 1):
            rows, cols = np.nonzero(rooms == k)
            assert np.ptp(rows) + 1 <= 3 and np.ptp(cols) + 1 <= 3
    assert max(counts) <= 9 and min(counts) >= 6
    env.close()


def test_wall_textures_vary_by_block():
    """Each ninth of the maze has its own wall texture (a landmark), drawn per episode."""
    env = MemoryMazeEnv(15, camera_resolution=16)
    env.reset(seed=1)
    w = env.world
    lay = w.layout
    mats = w.model.geom_matid[w.wall_geoms]
    for block in range(9):
        in_block = (lay.wall_block == block) & lay.walls
        assert len(np.unique(mats[in_block])) == 1
    block_mats = [mats[(lay.wall_block == b) & lay.walls][0] for b in range(9)]
    assert len(set(block_mats)) > 1
    floor = w.model.geom_matid[w.floor_geoms]
    inner_rooms = lay.rooms[1:-1, 1:-1] > 0
    open_cells = ~lay.walls[1:-1, 1:-1]
    assert set(floor[inner_rooms & open_cells]) == {w.floor_materials[1]}
    assert set(floor[~inner_rooms & open_cells]) == {w.floor_materials[0]}
    env.close()


# ---------------------------------------------------------------------------- rewards


def test_touching_current_target_rewards_and_retargets(open_env):
    env = open_env
    w = env.world
    for _ in range(5):
        current = env.target_index
        target_cell = w.layout.object_cells[current]
        w.spawn(target_cell, 0.0)  # put the agent right on the current target
        start = w.agent_pos().copy()
        assert w.data.ncon > 1 and np.all(w.data.contact.efc_address[1:] == -1)  # touching, no force
        obs, reward, terminated, truncated, _ = env.step(0)
        assert reward == 1.0
        assert np.allclose(w.agent_pos(), start, atol=1e-3)  # a target never pushes the agent
        assert env.target_index != current
        assert np.array_equal(obs["target_color"], env.target_colors[env.target_index])
        assert np.array_equal(obs["image"][0, 0], border_of(obs["target_color"]))
        # still touching the old target, which is no longer current: nothing more
        obs, reward, *_ = env.step(0)
        assert reward == 0.0


def test_touching_another_target_does_nothing(open_env):
    env = open_env
    w = env.world
    current = env.target_index
    other = (current + 1) % env.n_targets
    w.spawn(w.layout.object_cells[other], 0.0)
    _, reward, *_ = env.step(0)
    assert reward == 0.0 and env.target_index == current


def test_touch_is_detected_mid_step(open_env):
    """A target touched during a control step's substeps counts even when the agent
    has left it by the end of the step."""
    env = open_env
    w = env.world
    current = env.target_index
    cell = w.layout.object_cells[current]
    # Start 0.3 m short of the touching distance, moving fast, heading past the target
    # tangentially: the touch happens inside the step, not at its end.
    w.spawn(cell, 0.0)
    x_t, y_t = w.data.mocap_pos[w.target_mocap[current], :2]
    w.data.qpos[0] = x_t - 1.0
    w.data.qpos[1] = y_t + 0.74
    w.data.qvel[0] = 8.0  # m/s along +x: about 2 m in one 0.25 s step
    import mujoco

    mujoco.mj_forward(w.model, w.data)
    _, reward, *_ = env.step(0)
    x_end = w.data.qpos[0]
    dist_end = np.hypot(x_end - x_t, w.data.qpos[1] - y_t)
    assert dist_end > 0.8, "the agent must have passed the target by the end of the step"
    assert reward == 1.0


# ---------------------------------------------------------------------------- observations


def test_extra_obs_units_and_axes():
    env = MemoryMazeEnv(9, extra_obs=True, camera_resolution=16)
    obs, _ = env.reset(seed=5)
    n = env.size
    assert obs["maze_layout"].shape == (n, n) and obs["maze_layout"].dtype == np.uint8
    assert set(np.unique(obs["maze_layout"])) <= {0, 1}
    assert np.all((obs["agent_pos"] > 0) & (obs["agent_pos"] < n))
    assert np.isclose(np.linalg.norm(obs["agent_dir"]), 1.0)
    # targets_vec is the target in the agent's frame: (right, forward), in cells
    rel = obs["targets_pos"] - obs["agent_pos"]
    fwd = obs["agent_dir"]
    right = np.array([fwd[1], -fwd[0]])
    assert np.allclose(obs["targets_vec"][:, 1], rel @ fwd, atol=1e-6)
    assert np.allclose(obs["targets_vec"][:, 0], rel @ right, atol=1e-6)
    assert np.array_equal(obs["target_pos"], obs["targets_pos"][env.target_index])
    assert np.array_equal(obs["target_vec"], obs["targets_vec"][env.target_index])
    # moving forward increases agent_pos along agent_dir
    start = obs["agent_pos"].copy()
    for _ in range(2):
        obs, *_ = env.step(1)
    moved = obs["agent_pos"] - start
    if np.linalg.norm(moved) > 0.05:  # unless the spawn faced a wall
        assert moved @ fwd > 0.9 * np.linalg.norm(moved)
    env.close()


def test_maze_layout_bottom_left_is_row_zero(open_env):
    env = open_env
    w = env.world
    # target 2 sits in the bottom-left inner cell (row N, col 1 of the padded grid)
    obs = env._observation()
    assert np.allclose(obs["targets_pos"][2], [0.5, 0.5])
    assert np.allclose(obs["targets_pos"][1], [14.5, 14.5])
    w.spawn(np.array([15, 1]), np.pi / 2)  # bottom-left cell, facing +y (up the map)
    obs = env._observation()
    assert np.allclose(obs["agent_pos"], [0.5, 0.5]) and np.allclose(obs["agent_dir"], [0, 1], atol=1e-9)


@pytest.mark.parametrize("env_id", ["MemoryMaze-9x9-v0", "MemoryMaze-11x11-HD-v0", "MemoryMaze-13x13-Top-v0"])
def test_border_shows_target_color(env_id):
    env = gym.make(f"memory_bench:{env_id}")
    img, _ = env.reset(seed=3)
    base = env.unwrapped
    b = int(2 * np.sqrt(img.shape[0] // 64))
    color = border_of(base.target_colors[base.target_index])
    for strip in (img[:b], img[-b:], img[:, :b], img[:, -b:]):
        assert np.all(strip == color)
    assert not np.all(img[b:-b, b:-b] == color)
    env.close()


def test_colors_fixed_or_six_random():
    fixed = MemoryMazeEnv(9, camera_resolution=16)
    six = MemoryMazeEnv(9, camera_resolution=16, randomize_colors=True)
    seen = set()
    for seed in range(12):
        fixed.reset(seed=seed)
        assert np.array_equal(fixed.target_colors, TARGET_COLORS[:3])
        six.reset(seed=seed)
        colors = six.target_colors
        assert len({tuple(c) for c in colors}) == 3
        seen |= {tuple(c) for c in colors}
    assert seen == {tuple(c) for c in TARGET_COLORS}
    fixed.close()
    six.close()


def test_oracle_draws_path_and_minimap():
    oracle = MemoryMazeEnv(11, extra_obs=True, show_path=True)
    plain = MemoryMazeEnv(11, extra_obs=True)
    o, _ = oracle.reset(seed=2)
    p, _ = plain.reset(seed=2)
    path = np.argwhere(o["maze_layout"] == 2)  # (y, x)
    assert len(path) >= 1
    assert [int(v) for v in o["agent_pos"]][::-1] in path.tolist()
    assert [int(v) for v in o["target_pos"]][::-1] in path.tolist()
    assert np.array_equal(np.minimum(o["maze_layout"], 1), p["maze_layout"])
    size = 2 * 11
    assert not np.array_equal(o["image"][:size, -size:], p["image"][:size, -size:])
    assert np.array_equal(o["image"][size:], p["image"][size:])
    oracle.close()
    plain.close()


def test_good_visibility_lowers_walls_and_raises_targets():
    vis = MemoryMazeEnv(9, good_visibility=True, camera_resolution=16)
    std = MemoryMazeEnv(9, camera_resolution=16)
    wall = vis.world.wall_geoms[0, 0]
    assert vis.world.model.geom_size[wall, 2] * 2 == pytest.approx(0.4)
    assert std.world.model.geom_size[wall, 2] * 2 == pytest.approx(1.5)
    vis.reset(seed=0)
    std.reset(seed=0)
    assert vis.world.data.mocap_pos[0, 2] == pytest.approx(1.1)
    assert std.world.data.mocap_pos[0, 2] == pytest.approx(0.0)
    vis.close()
    std.close()


# ---------------------------------------------------------------------------- reproducibility

_ROLLOUT = textwrap.dedent(
    """
    import hashlib, numpy as np, gymnasium as gym
    env = gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0")
    h = hashlib.sha256()
    obs, _ = env.reset(seed=123)
    rng = np.random.default_rng(7)
    for t in range(30):
        for k in sorted(obs):
            h.update(np.ascontiguousarray(obs[k]).tobytes())
        obs, r, *_ = env.step(int(rng.integers(6)))
        h.update(np.float64(r).tobytes())
    print(h.hexdigest())
    """
)


def test_same_seed_same_episode_in_two_processes():
    env = dict(os.environ)
    outs = [
        subprocess.run([sys.executable, "-c", _ROLLOUT], capture_output=True, text=True, env=env, check=True).stdout.strip()
        for _ in range(2)
    ]
    assert outs[0] == outs[1] and len(outs[0]) == 64


def test_same_seed_same_layout_spawn_and_images():
    a = MemoryMazeEnv(13, extra_obs=True)
    b = MemoryMazeEnv(13, extra_obs=True)
    oa, _ = a.reset(seed=9)
    b.reset(seed=1)
    ob, _ = b.reset(seed=9)
    for k in oa:
        assert np.array_equal(oa[k], ob[k]), k
    for action in [1, 1, 2, 4, 5, 3, 1, 0]:
        oa, ra, *_ = a.step(action)
        ob, rb, *_ = b.step(action)
        assert ra == rb and np.array_equal(oa["image"], ob["image"]) and np.array_equal(oa["agent_pos"], ob["agent_pos"])
    oc, _ = a.reset(seed=10)
    assert not np.array_equal(oc["maze_layout"], ob["maze_layout"]) or not np.array_equal(oc["agent_pos"], ob["agent_pos"])
    a.close()
    b.close()


# ---------------------------------------------------------------------------- motion (the original's figures)


def _close(value, expected, rel=0.10):
    return abs(value - expected) <= rel * expected


def test_forward_speed_and_coasting(open_env):
    env = open_env
    w = env.world
    prev = w.agent_pos().copy()
    speeds = []
    for _ in range(6):
        env.step(1)
        speeds.append(np.linalg.norm(w.agent_pos() - prev))
        prev = w.agent_pos().copy()
    # rises over about three steps to 0.25 cells per step
    assert speeds[0] < speeds[1] < speeds[2]
    assert speeds[0] < 0.6 * 0.25
    assert all(_close(s, 0.25) for s in speeds[2:]), speeds
    coast = []
    for _ in range(3):
        env.step(0)
        coast.append(np.linalg.norm(w.agent_pos() - prev))
        prev = w.agent_pos().copy()
    assert _close(coast[0], 0.14) and _close(coast[1], 0.03, rel=0.15) and coast[2] < 0.015, coast


@pytest.mark.parametrize("action,sign", [(2, 1.0), (3, -1.0)])
def test_turning_rate(open_env, action, sign):
    env = open_env
    w = env.world
    heading = lambda: np.degrees(np.arctan2(*w.agent_dir()[::-1]))  # noqa: E731
    prev = heading()
    turns = []
    for _ in range(5):
        env.step(action)
        now = heading()
        turns.append(sign * ((now - prev + 180) % 360 - 180))
        prev = now
    assert _close(turns[0], 14.0), turns
    assert all(_close(t, 18.4) for t in turns[1:]), turns


def test_agent_never_passes_through_walls():
    """Random driving for a whole 9x9 episode: the agent's cell is always floor."""
    env = MemoryMazeEnv(9, extra_obs=True, camera_resolution=16)
    obs, _ = env.reset(seed=4)
    rng = np.random.default_rng(0)
    maze = obs["maze_layout"]
    action = 1
    for t in range(1000):
        if t % 8 == 0:
            action = int(rng.choice([1, 1, 1, 4, 5, 2, 3]))
        obs, *_ = env.step(action)
        x, y = obs["agent_pos"]
        assert maze[int(y), int(x)] == 1, (t, obs["agent_pos"])
        # the ball (radius 0.1 cells) keeps out of wall cells
        for dx, dy in ((0.09, 0), (-0.09, 0), (0, 0.09), (0, -0.09)):
            assert maze[int(y + dy), int(x + dx)] == 1
    env.close()


def test_agent_creeps_along_walls_like_the_original(open_env):
    """Driving into a wall at 10 degrees: blocked across it, creeping along it.

    Measured on the original (memory-maze 1.0.3, MuJoCo 3.17): after the ball meets
    the wall it moves along it by 0.10, 0.035, 0.035, 0.022, 0.024, 0.020 cells per
    step, the friction of the wall holding it back."""
    env = open_env
    w = env.world
    w.spawn(np.array([1, 2]), np.radians(10))  # the top row, heading up and right
    ys, dxs = [], []
    prev = w.agent_pos().copy()
    for _ in range(16):
        env.step(1)
        now = w.agent_pos().copy()
        ys.append(now[1])
        dxs.append(now[0] - prev[0])
        prev = now
    hit = int(np.argmax(np.array(ys) > 15 - 0.1 - 0.005))
    assert 0 < hit < 12
    assert max(ys) < 15 - 0.09  # never into the wall
    creep = np.array(dxs[hit + 1: hit + 6])
    assert np.all(creep > 0) and creep[0] < 0.12 and np.all(creep[1:] < 0.05), creep  # along it, slowly
    assert 0.15 < creep.sum() < 0.27, creep  # the original: 0.212 over these five steps


# ---------------------------------------------------------------------------- errors


@pytest.mark.parametrize("action", [6, -1, 2.5, "left", None, np.array([1, 0])])
def test_invalid_action_names_value_and_allowed(action):
    env = MemoryMazeEnv(9, camera_resolution=16)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"invalid action .*expected an int in \[0, 5\]"):
        env.step(action)
    env.close()


def test_numpy_integer_actions_are_accepted():
    env = MemoryMazeEnv(9, camera_resolution=16)
    env.reset(seed=0)
    env.step(np.int64(1))
    env.step(np.array(2))
    env.close()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(size=10), r"unknown maze size 10; choose one of \[9, 11, 13, 15\]"),
        (dict(size="9x9"), r"unknown maze size '9x9'"),
        (dict(camera_resolution=8), r"camera_resolution=8 must be an int in \[16, 1024\]"),
        (dict(control_freq=3.0), r"control_freq=3.0 must divide"),
        (dict(n_targets=7), r"n_targets=7 must be between 1 and 6"),
        (dict(renderer="vulkan"), r"unknown renderer 'vulkan'; choose one of 'cpu', 'mujoco'"),
        (dict(render_mode="ansi"), r"unknown render_mode 'ansi'"),
        (dict(max_steps=0), r"max_steps=0 must be a positive int"),
    ],
)
def test_bad_arguments_name_value_and_allowed(kwargs, match):
    kwargs = {"size": 9, **kwargs}
    with pytest.raises(ValueError, match=match):
        MemoryMazeEnv(**kwargs)


def test_unknown_reset_option():
    env = MemoryMazeEnv(9, camera_resolution=16)
    with pytest.raises(ValueError, match=r"takes no options; got \['layout'\]"):
        env.reset(seed=0, options={"layout": 1})
    env.close()


def test_bad_mujoco_gl_value(monkeypatch):
    monkeypatch.setenv("MUJOCO_GL", "directx")
    with pytest.raises(ValueError, match=r"MUJOCO_GL='directx' is not supported; set it to one of egl, osmesa, glfw"):
        MemoryMazeEnv(9, camera_resolution=16, renderer="mujoco")
    MemoryMazeEnv(9, camera_resolution=16).close()  # the default cpu renderer needs no OpenGL


def test_bad_mujoco_gl_value_in_a_fresh_process():
    env = dict(os.environ, MUJOCO_GL="directx")
    code = "import gymnasium as gym; gym.make('memory_bench:MemoryMaze-9x9-v0')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode != 0
    assert "MUJOCO_GL='directx' is not supported" in proc.stderr


# ---------------------------------------------------------------------------- rendering


def test_render_rgb_array_is_the_observation():
    env = gym.make("memory_bench:MemoryMaze-9x9-v0", render_mode="rgb_array")
    obs, _ = env.reset(seed=0)
    frame = env.render()
    assert frame.shape == (64, 64, 3) and frame.dtype == np.uint8
    assert np.array_equal(frame, obs)
    assert frame.std() > 10  # a real picture, not a blank buffer
    env.close()


def test_render_human_opens_a_pygame_window():
    pygame = pytest.importorskip("pygame")
    env = gym.make("memory_bench:MemoryMaze-9x9-v0", render_mode="human")
    env.reset(seed=0)
    env.step(1)
    surface = pygame.display.get_surface()
    assert surface is not None and surface.get_size() == (512, 512)
    assert np.asarray(pygame.surfarray.array3d(surface)).std() > 10
    env.close()
    assert not pygame.display.get_init()


def test_first_person_view_shows_walls_floor_and_sky():
    env = MemoryMazeEnv(9, camera_resolution=64)
    img, _ = env.reset(seed=0)
    top, bottom = img[4:12, 4:-4].reshape(-1, 3).mean(0), img[-12:-4, 4:-4].reshape(-1, 3).mean(0)
    assert not np.allclose(top, bottom, atol=5)  # sky/walls differ from floor
    env.close()


def test_batched_substeps_change_nothing(monkeypatch):
    """Substeps run in as few C calls as the distance to targets allows; forcing
    the one-by-one path everywhere gives the very same episode (positions, rewards)."""
    from conftest import open_layout

    def rollout(force_fine: bool):
        env = MemoryMazeEnv(15, extra_obs=True, camera_resolution=16)
        env.reset(seed=0)
        lay = open_layout(15, [[1, 1], [1, 15], [15, 1], [15, 15], [2, 8], [14, 8]])
        env.world.apply_layout(lay, np.zeros(9, dtype=np.int64), lay.object_cells, env.target_colors)
        env.world.spawn(lay.spawn_cells[0], 0.0)
        if force_fine:
            monkeypatch.setattr(env.world, "_safe_substeps", lambda: 1)
        obs = env._observation()
        trace = []
        for _ in range(300):  # steer at the current target
            right, ahead = obs["target_vec"]
            action = 1 if abs(right) < 0.3 * max(ahead, 0.1) else (5 if right > 0 else 4)
            obs, reward, *_ = env.step(action)
            trace.append((obs["agent_pos"].copy(), reward, env.target_index))
        env.close()
        return trace

    fast, fine = rollout(False), rollout(True)
    assert sum(r for _, r, _ in fine) >= 3  # the episode does touch targets
    for (pa, ra, ta), (pb, rb, tb) in zip(fast, fine):
        assert np.array_equal(pa, pb) and ra == rb and ta == tb


def test_skipping_static_geoms_changes_no_motion():
    """The model enables MuJoCo's sleeping, with one geomless body asleep for good,
    only so that the static geoms' kinematics are skipped in every substep: the agent
    never sleeps, the body stays asleep, and the same episode with sleeping turned
    off (every geom recomputed every substep) is bit-identical."""
    import mujoco
    from conftest import open_layout

    sleep_bit = int(mujoco.mjtEnableBit.mjENBL_SLEEP)

    def rollout(skip: bool):
        env = MemoryMazeEnv(9, extra_obs=True, camera_resolution=16)
        m, d = env.world.model, env.world.data
        assert m.opt.enableflags & sleep_bit
        if not skip:
            m.opt.enableflags &= ~sleep_bit
        env.reset(seed=0)
        lay = open_layout(9, [[1, 1], [9, 9], [2, 7]][: env.world.cfg.n_targets])
        env.world.apply_layout(lay, np.zeros(9, dtype=np.int64), lay.object_cells, env.target_colors)
        env.world.spawn(lay.spawn_cells[0], 0.3)
        obs = env._observation()
        trace = []
        rng = np.random.default_rng(1)
        for _ in range(300):  # steer at the current target, with random detours into walls
            right, ahead = obs["target_vec"]
            action = 1 if abs(right) < 0.3 * max(ahead, 0.1) else (5 if right > 0 else 4)
            if rng.random() < 0.3:
                action = int(rng.integers(6))
            obs, reward, *_ = env.step(action)
            trace.append((d.qpos[:5].copy(), d.qvel[:5].copy(), reward, env.target_index))
        if skip:
            sleeper = m.body_treeid[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "static_skip")]
            agent = m.body_treeid[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "agent_root") + 1]
            assert d.tree_asleep[sleeper] >= 0 and d.tree_asleep[agent] < 0
            assert d.nbody_awake < m.nbody  # MuJoCo's condition for skipping static geoms
        env.close()
        return trace

    skip, full = rollout(True), rollout(False)
    assert sum(r for *_, r, _ in full) >= 2  # the episode does touch targets
    for (qa, va, ra, ta), (qb, vb, rb, tb) in zip(skip, full):
        assert np.array_equal(qa, qb) and np.array_equal(va, vb) and ra == rb and ta == tb
