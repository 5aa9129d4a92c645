"""DMLab-30's fixed-map rooms levels: layouts, rules, rewards, early ends, hold-out
plumbing and determinism (the registry's check_env covers every id)."""

import math

import numpy as np
import pytest

from memory_bench.agents.dmlab import RoomsOracle, play
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import rooms
from memory_bench.envs.dmlab.rooms import (
    CollectGoodObjects, ExploitDeferredEffects, SelectNonmatchingObject, Watermaze,
)

FORWARD = 0


def put(env, xy, yaw=0.0):
    env._spawn_at(float(xy[0]), float(xy[1]), yaw)


# ---------------------------------------------------------------------- collect_good_objects
def test_collect_good_objects_layout_and_configs():
    env = CollectGoodObjects()
    configs = set()
    for seed in range(12):
        _, info = env.reset(seed=seed)
        configs.add((info["bad_object"], info["good_object"], info["replaced_textures"]))
        pts = env._items[:, :2]
        assert env._active.all() and env.good.sum() == 10
        assert len({tuple(p) for p in pts}) == 20  # distinct grid points
        grid = {tuple(p) for p in env._points}
        assert all(tuple(p) in grid for p in pts)
        spawn = tuple(info["position"][:2])
        assert spawn in grid and spawn not in {tuple(p) for p in pts}
        assert env.arena.item_shapes[0] == info["bad_object"] and env.arena.item_shapes[19] == info["good_object"]
    assert configs == set(rooms.CGO_TRAIN)
    env.close()


def test_collect_good_objects_rewards_and_early_end():
    env = CollectGoodObjects()
    env.reset(seed=3)
    total = 0.0
    for slot in range(20):
        put(env, env._items[slot, :2])
        before = env.frames
        r, term, trunc = env._advance(FORWARD)
        assert r == (1.0 if env.good[slot] else -1.0)
        total += r
        if env.pickups == 10:
            assert not term  # 0.2 s later
            break
    end = False
    while not end:
        r, term, trunc = env._advance(FORWARD)
        end = term or trunc
    # the 10th pickup on the step's first frame, the end 0.2 s (12 frames) after it
    assert term and not trunc and env.frames == before + 1 + 12
    with pytest.raises(RuntimeError):
        env._advance(FORWARD)
    env.close()


def test_test_level_needs_allow_hold_out_levels_and_has_its_own_seeds():
    with pytest.raises(ValueError, match="allow_hold_out_levels=True"):
        CollectGoodObjects(split="test")
    with pytest.raises(ValueError, match="allowHoldOutLevels"):
        ExploitDeferredEffects(split="test")
    with pytest.raises(ValueError, match="unknown split 'val'"):
        CollectGoodObjects(split="val")
    test = CollectGoodObjects(split="test", allow_hold_out_levels=True)
    train = CollectGoodObjects(split="train")
    same = 0
    for seed in range(10):
        _, info = test.reset(seed=seed)
        assert (info["bad_object"], info["good_object"], info["replaced_textures"]) == ("hat", "can", True)
        a = test._items[:, :2].copy()
        train.reset(seed=seed)
        same += np.array_equal(a, train._items[:, :2])
    assert same == 0
    test.close()
    train.close()


# ---------------------------------------------------------------------- exploit_deferred_effects
def test_deferred_effects_box_opens_the_door_and_brightens_the_floor():
    env = ExploitDeferredEffects(split="test", allow_hold_out_levels=True)
    _, info = env.reset(seed=0)
    assert info["two_rooms"] and info["has_box"] and not info["door_open"] and not info["bright_floor"]
    cx0, cy0, cx1, cy1 = rooms._CORRIDOR
    mid = (cy0 + cy1) / 2
    # the shut door stops the agent at the room's east wall
    put(env, (cx0 - 60, mid), yaw=0.0)
    for _ in range(20):
        env._advance(FORWARD)
    assert env._state[quake.X] < cx0 - quake.PLAYER_MAXS[0] + 1e-6
    floor = env.arena.static_geoms["floor_r1"]
    dark_mat = int(env.arena.model.geom_matid[floor])
    put(env, env._items[env.BOX_SLOT, :2])
    r, _, _ = env._advance(FORWARD)
    assert r == rooms.BOX_REWARD
    info = env._info()
    assert info["door_open"] and info["bright_floor"] and int(env.arena.model.geom_matid[floor]) != dark_mat
    put(env, (cx0 - 60, mid), yaw=0.0)
    for _ in range(12):
        env._advance(FORWARD)
    assert env._state[quake.X] > cx1  # through the corridor
    cake = env.BOX_SLOT + 1
    put(env, env._items[cake, :2])
    assert env._advance(FORWARD)[0] == rooms.CAKE_REWARD
    env.close()


def test_deferred_effects_train_configs():
    env = ExploitDeferredEffects()
    seen = set()
    for seed in range(15):
        _, info = env.reset(seed=seed)
        seen.add(env.config)
        two, box, door = env.config
        assert info["bright_floor"] == door and info["door_open"] == door
        assert env._active[env.BOX_SLOT] == box and env._active[env.BOX_SLOT + 1:].all() == two
        assert env._active[: env.N_OBJECTS].all()
    assert seen == set(rooms.EDE_TRAIN)
    env.close()


# ---------------------------------------------------------------------- select_nonmatching_object
def test_nonmatching_object_teleport_choices_and_restarts():
    env = SelectNonmatchingObject()
    _, info = env.reset(seed=5)
    assert env.max_steps == 180
    assert info["yaw"] == 0.0 and tuple(info["position"][:2]) == env._at(*env.START)
    match = info["match_object"]
    assert info["nonmatch_object"] != match and not env._active[env.SAMPLE]
    put(env, env._items[env.PAD, :2])
    r, _, _ = env._advance(FORWARD)
    assert r == rooms.TELEPORT_REWARD
    assert abs(env._state[quake.X] - env._at(*env.ARRIVAL)[0]) < 30
    put(env, env._items[env.CHOICE_1, :2])
    r, _, _ = env._advance(FORWARD)
    info = env._info()
    assert r == rooms.NONMATCH_REWARD and info["map_restarts"] == 1
    assert info["match_object"] == match and info["nonmatch_object"] != match
    # back at the start (the step's frames after the restart walk on a little)
    assert np.linalg.norm(info["position"][:2] - env._at(*env.START)) < 30
    put(env, env._items[env.CHOICE_2, :2])
    assert env._advance(FORWARD)[0] == rooms.MATCH_REWARD
    env.close()


def test_nonmatching_sample_is_behind_clip_walls():
    env = SelectNonmatchingObject()
    env.reset(seed=0)
    sx, sy = env._items[env.SAMPLE, :2]
    put(env, (sx - 90, sy), yaw=0.0)
    for _ in range(15):
        env._advance(FORWARD)
    assert env._state[quake.X] <= sx - 40 - quake.PLAYER_MAXS[0] + 1e-6
    env.close()


# ---------------------------------------------------------------------- watermaze
def test_watermaze_platform_pays_five_then_restarts_in_place():
    env = Watermaze()
    centre = np.array(rooms.WM_OFFSET)
    spawns = {env._at(x, y) for x, y in rooms.WM_SPAWNS}
    for seed in range(20):
        _, info = env.reset(seed=seed)
        assert np.linalg.norm(info["platform"] - centre) <= rooms.PLATFORM_SPAWN_RADIUS
        assert tuple(info["position"][:2]) in spawns
    platform = env.platform.copy()
    put(env, platform)
    rewards = [env._advance(FORWARD)[0] for _ in range(3)]
    info = env._info()
    assert sum(rewards) == 5.0 and info["map_restarts"] == 1 and info["finds"] == 1
    assert np.array_equal(info["platform"], platform)
    assert min(np.linalg.norm(info["position"][:2] - np.array(p)) for p in spawns) < 30  # respawned
    env.close()


def test_watermaze_wall_is_round():
    env = Watermaze()
    env.reset(seed=0)
    env._active[:] = False  # no platform in the way
    for a in np.linspace(0, 2 * math.pi, 9)[:-1]:
        put(env, rooms.WM_OFFSET, yaw=math.degrees(a))
        for _ in range(40):
            env._advance(FORWARD)
        r = np.linalg.norm(env._state[quake.X: quake.Y + 1] - rooms.WM_OFFSET)
        # stopped by the ring of blocks close to its circle (the blocks' corners touch it)
        assert rooms.WM_RADIUS - 40 < r < rooms.WM_RADIUS + 30
    env.close()


# ---------------------------------------------------------------------- all four
@pytest.mark.parametrize("cls", [CollectGoodObjects, ExploitDeferredEffects, SelectNonmatchingObject, Watermaze])
def test_same_seed_same_episode(cls):
    a, b = cls(), cls()
    oa, _ = a.reset(seed=11)
    ob, _ = b.reset(seed=11)
    assert np.array_equal(oa, ob)
    rng = np.random.default_rng(0)
    for _ in range(30):
        act = int(rng.integers(9))
        ra = a.step(act)
        rb = b.step(act)
        assert np.array_equal(ra[0], rb[0]) and ra[1:4] == rb[1:4]
    a.close()
    b.close()


@pytest.mark.parametrize("cls,floor", [(CollectGoodObjects, 10), (ExploitDeferredEffects, 80),
                                       (SelectNonmatchingObject, 60), (Watermaze, 100)])
def test_oracle_scores(cls, floor):
    """The privileged oracle solves each test level (collect: every good object; deferred:
    the box, then cakes; non-match: every trial; watermaze: 20 finds or more)."""
    kw = {"split": "test", "allow_hold_out_levels": True} if cls in (CollectGoodObjects, ExploitDeferredEffects) else {}
    env = cls(**kw)
    assert play(env, RoomsOracle(), 1) >= floor
    env.close()


# ---------------------------------------------------------------------- keys_doors_puzzle
def _door_approach(env, d):
    """A point 60 u before door ``d`` on its passage axis (outside its cell), and the
    yaw facing it."""
    from memory_bench.engine import textmap as tm

    cell = env.door_cells[d]
    x, y = tm.cell_centre(cell, env.map.shape[0])
    if env.map.entity[tuple(cell)] == "I":
        return (x - 70.0, y), 0.0
    return (x, y - 70.0), 90.0


def test_keys_doors_keys_open_their_doors_once():
    from memory_bench.envs.dmlab.keys_doors import COLOR_RGB, DOOR_REWARD, KEY_REWARD, KeysDoorsPuzzle

    env = KeysDoorsPuzzle()
    obs, info = env.reset(seed=1)
    assert info["held_key"] is None and not env.door_open.any() and len(env._boxes) == 6 * len(env.door_cells)
    key_color, key_cell = next((c, cell) for c, cell in env.puzzle.keys if c in env.door_colors)
    d = env.door_colors.index(key_color)
    other = next(k for k, c in enumerate(env.door_colors) if c != key_color)
    from memory_bench.engine import textmap as tm

    put(env, tm.cell_centre(np.array(key_cell), env.map.shape[0]))
    r, _, _ = env._advance(FORWARD)
    assert r == KEY_REWARD and env.held == key_color
    obs = env._observe()
    square = obs[5, 5]  # DMLab's 48 px square at (12, 12) of 320 px, scaled to 96 px
    assert tuple(square) == tuple(np.rint(np.array(COLOR_RGB[key_color]) * 255).astype(np.uint8))
    xy, yaw = _door_approach(env, other)  # a door of another colour stays shut
    put(env, xy, yaw)
    assert env._advance(FORWARD)[0] == 0.0 and not env.door_open[other] and env.held == key_color
    xy, yaw = _door_approach(env, d)
    put(env, xy, yaw)
    r, _, _ = env._advance(FORWARD)
    assert r == DOOR_REWARD and env.door_open[d] and env.held is None
    assert len(env._boxes) == 6 * (len(env.door_cells) - 1)  # its fence is gone
    assert env._advance(FORWARD)[0] == 0.0  # opens once
    env.close()


def test_keys_doors_goal_ends_the_episode_and_oracle_solves_it():
    from memory_bench.envs.dmlab.keys_doors import GOAL_REWARD, KeysDoorsOracle, KeysDoorsPuzzle
    from memory_bench.engine import textmap as tm

    env = KeysDoorsPuzzle()
    env.reset(seed=2)
    put(env, tm.cell_centre(np.array(env.puzzle.goal), env.map.shape[0]))
    before = env.frames
    r, term, _ = env._advance(FORWARD)
    assert r == GOAL_REWARD and not term
    while not term:
        _, term, trunc = env._advance(FORWARD)
        assert not trunc
    assert env.frames == before + 1 + 12
    scores = [play(env, KeysDoorsOracle(), s) for s in range(4)]
    # every key and door of the plan (2 per core step) and the goal
    assert all(s >= GOAL_REWARD + 2 for s in scores), scores
    env.close()


def test_keys_doors_generator_overrides_are_checked():
    from memory_bench.envs.dmlab.keys_doors import KeysDoorsPuzzle

    with pytest.raises(ValueError, match="no_such_option"):
        KeysDoorsPuzzle(generator={"no_such_option": 1})
    env = KeysDoorsPuzzle(generator={"core_sequence_length": (3, 3)})
    _, info = env.reset(seed=0)
    assert len(info["core"]) == 3
    env.close()


@pytest.mark.parametrize("env_id", ["DMLab-rooms_collect_good_objects_test-v0", "DMLab-rooms_exploit_deferred_effects_train-v0",
                                    "DMLab-rooms_select_nonmatching_object-v0", "DMLab-rooms_watermaze-v0",
                                    "DMLab-rooms_keys_doors_puzzle-v0"])
def test_gui_plays_and_replays_each_rooms_level(env_id, tmp_path, monkeypatch):
    """The pygame player runs every rooms level (a hold-out one included: people play
    them to be measured) and its recordings replay exactly."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pytest.importorskip("pygame")
    from memory_bench.gui import app, load_episode, replay_check

    player = app.Player(env_id, seed=3, out=tmp_path, max_steps=5, fps=0)
    try:
        for keys in ({"up"}, {"up"}, {"left"}, {"up", "right"}, set()):
            player.tick(keys)
        player.draw()
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (6, 72, 96, 3) and meta["env_id"] == env_id
    assert replay_check(player.saved[0])
