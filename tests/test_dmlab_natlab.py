"""DMLab-30's NatLab levels: the map generator, Quake movement on terrain, mushrooms and
their regrowth, lighting, the forager."""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import natlab as nl
from memory_bench.envs.dmlab.base import ACTION_NAMES

IDS = {lv: f"DMLab-natlab_{lv}-v0" for lv in nl.LEVELS}
NO_SOLID = np.zeros((0, 0), dtype=bool)
NO_ITEMS = np.zeros((0, 4))
FIRE = ACTION_NAMES.index("fire")  # does nothing here: a step that stands still


# ---------------------------------------------------------------------- the mover on terrain
def _slope(deg: float, n: int = 120) -> tuple[np.ndarray, np.ndarray]:
    """Flat at 100 u up to x = 400, then rising at ``deg`` degrees along +x."""
    x = np.arange(n) * nl.CELL
    hz = np.tile(100.0 + np.maximum(0.0, x - 400.0) * math.tan(math.radians(deg)), (n, 1))
    return hz, np.array([0.0, 0.0, nl.CELL])


def _run(hz, hg, cmd, frames, x=300.0, y=600.0, yaw=0.0):
    st, fl = quake.new_state()
    quake.spawn(st, fl, x, y, yaw, quake.rest_height(x, y, hz, hg))
    out = []
    for _ in range(frames):
        quake.run_frames(st, fl, np.asarray(cmd, float), 1, NO_SOLID, 100.0, np.zeros((0, 0)), np.zeros((0, 6)), hz, hg,
                         NO_ITEMS, np.zeros(0, bool), np.zeros(0, bool), quake.FRAME_TIME)
        out.append((*st[:6], fl[quake.ON_GROUND]))
    return np.array(out)


def test_rest_height_and_jump_on_terrain_follow_quake():
    """A player rests 24.125 u above the terrain (its box's 24 u below the origin and
    Quake's 0.125 u surface epsilon); a jump leaves at 270 u/s and rises
    270^2 / (2 * 800) = 45.56 u under g = 800 u/s^2."""
    hz, hg = _slope(0.0)
    assert quake.rest_height(300.0, 600.0, hz, hg) == pytest.approx(100.0)
    states = _run(hz, hg, (0, 0, 127, 0, 0), 60)
    z0 = 100.0 + 24.0 + quake.SURFACE_CLIP_EPSILON
    assert states[0, 5] == pytest.approx(quake.JUMP_VELOCITY - quake.GRAVITY * quake.FRAME_TIME)
    assert states[:, 2].max() - z0 == pytest.approx(quake.JUMP_VELOCITY ** 2 / (2 * quake.GRAVITY), abs=0.5)
    # free fall: from rest in the air, z drops g t^2 / 2 of engine time
    st, fl = quake.new_state()
    quake.spawn(st, fl, 300.0, 600.0, 0.0, 600.0)
    fl[quake.ON_GROUND] = 0
    start = st[quake.Z]
    for _ in range(20):
        quake.run_frames(st, fl, np.zeros(5), 1, NO_SOLID, 100.0, np.zeros((0, 0)), np.zeros((0, 6)), hz, hg, NO_ITEMS,
                         np.zeros(0, bool), np.zeros(0, bool), quake.FRAME_TIME)
    t = 20 * quake.FRAME_TIME
    assert start - st[quake.Z] == pytest.approx(0.5 * quake.GRAVITY * t * t, rel=1e-6)


@pytest.mark.parametrize("deg", [20.0, 30.0, 45.0])
def test_walkable_slopes_are_climbed_on_the_ground(deg):
    """Slopes up to Quake's walkable limit (normal z >= 0.7: 45.57 degrees) are walked
    up, on the ground all the way, the box following the surface."""
    hz, hg = _slope(deg)
    states = _run(hz, hg, (127, 0, 0, 0, 0), 180)
    climbing = states[states[:, 0] > 440.0]
    assert len(climbing) > 20 and climbing[:, 6].mean() > 0.98
    x, z = climbing[-1, 0], climbing[-1, 2]
    surface = 100.0 + (x - 400.0) * math.tan(math.radians(deg))
    corner = 15.0 * math.tan(math.radians(deg))  # the box rests on its uphill edge
    gap = (z - 24.0 - surface - corner) * math.cos(math.radians(deg))  # along the normal
    assert quake.SURFACE_CLIP_EPSILON - 1e-6 <= gap <= 0.25 + 1e-6  # held within the ground trace's 0.25 u


def test_too_steep_slopes_are_not_walked_up():
    """A 50 degree slope is not ground (normal z 0.64 < 0.7): the run carries the player
    some way up, then it slides back to the foot, again and again."""
    hz, hg = _slope(50.0)
    states = _run(hz, hg, (127, 0, 0, 0, 0), 240)
    assert states[:, 0].max() < 520.0 and states[120:, 0].min() < 400.0  # 4 s of pushing: back at the foot
    on_slope = states[states[:, 0] > 420.0]
    assert len(on_slope) > 60 and not on_slope[:, 6].any()


def test_the_box_never_sinks_into_a_rough_terrain():
    """Random walking, turning and jumping over rough terrain for 40 s: the box's bottom
    centre never goes below the surface drawn there."""
    rng = np.random.default_rng(0)
    hz = nl.terrain(rng, 80, 600.0)
    hg = np.array([0.0, 0.0, nl.CELL])
    size = 80 * nl.CELL
    st, fl = quake.new_state()
    quake.spawn(st, fl, size / 2, size / 2, 0.0, quake.rest_height(size / 2, size / 2, hz, hg))
    walls = np.array([[-64, -64, -1e4, 0, size + 64, 1e4], [size, -64, -1e4, size + 64, size + 64, 1e4],
                      [-64, -64, -1e4, size + 64, 0, 1e4], [-64, size, -1e4, size + 64, size + 64, 1e4]], float)
    cmds = np.array([[127, 0, 0, 0, 0], [127, 0, 0, 3, 0], [127, 127, 0, -2, 0], [0, 0, 127, 0, 0], [127, 0, 127, 1, 0]], float)
    lowest = np.inf
    for k in range(2400):
        quake.run_frames(st, fl, cmds[int(rng.integers(5))] if k % 30 == 0 else cmds[(k // 30) % 5], 1, NO_SOLID, 100.0,
                         np.zeros((0, 0)), walls, hz, hg, NO_ITEMS, np.zeros(0, bool), np.zeros(0, bool), quake.FRAME_TIME)
        lowest = min(lowest, st[quake.Z] - 24.0 - nl.ground(hz, st[quake.X], st[quake.Y]))
    assert 0.0 <= lowest


# ---------------------------------------------------------------------- the generator
@pytest.mark.parametrize("level, low, high", [("varying_map_regrowth", 5, 27), ("varying_map_randomized", 10, 72)])
def test_generated_maps_have_the_measured_figures(level, low, high):
    counts = []
    for seed in range(12):
        m = nl.generate(level, np.random.default_rng(seed))
        counts.append(len(m.mushrooms))
        assert m.size == 2112.0 and len(m.spawns) == nl.N_SPAWNS
        relief = np.ptp(m.heights[7:-7, 7:-7])  # inside the rim
        assert 150.0 < relief <= 650.0
        assert np.array_equal(m.heights, np.round(m.heights * 16) / 16)  # 1/16 u: the same floats everywhere
        inside = (m.mushrooms >= nl.PLAYABLE_INSET) & (m.mushrooms <= m.size - nl.PLAYABLE_INSET)
        assert inside.all()
        for x, y in np.concatenate([m.mushrooms, m.spawns]):
            assert nl.slope(m.heights, x, y) <= nl.MAX_WALK_SLOPE
        gaps = np.hypot(*(m.spawns[:, None] - m.mushrooms[None]).transpose(2, 0, 1))
        assert gaps.min() >= 80.0
        kinds = {k for k, *_ in m.landmarks}
        assert {"tree", "rock", "shrub"} <= kinds
    assert low <= min(counts) and max(counts) <= high
    a = nl.generate(level, np.random.default_rng(5))
    b = nl.generate(level, np.random.default_rng(5))
    assert np.array_equal(a.heights, b.heights) and np.array_equal(a.mushrooms, b.mushrooms) and a.landmarks == b.landmarks


def test_the_fixed_map_is_the_same_every_episode_and_light_and_spawn_vary():
    env = gym.make(IDS["fixed_large_map"])
    seen_light, seen_spawn = set(), set()
    heights = None
    for seed in range(12):
        _, info = env.reset(seed=seed)
        base = env.unwrapped
        assert base.natlab_map.size == 3648.0 and base.mushroom_count == nl.FIXED_MUSHROOMS == info["mushrooms"]
        heights = base.natlab_map.heights if heights is None else heights
        assert np.array_equal(base.natlab_map.heights, heights)
        seen_light.add(info["lighting"])
        seen_spawn.add(tuple(np.round(info["position"][:2], 3)))
    assert seen_light == set(nl.LIGHTINGS) and len(seen_spawn) > 4
    env.close()


def test_bad_level_names_the_value():
    with pytest.raises(ValueError, match="'nowhere'.*fixed_large_map"):
        nl.NatLab("nowhere")


# ---------------------------------------------------------------------- the levels
def _walk_into_mushroom(env, k):
    """Teleports the agent onto mushroom ``k`` and steps once."""
    base = env.unwrapped
    x, y = base._items[k, :2]
    base._spawn_at(x, y, 0.0, z=quake.rest_height(x, y, base._hz, base._hg, base._boxes))
    return env.step(FIRE)


def test_a_mushroom_pays_one_and_regrows_after_its_delay():
    env = gym.make(IDS["varying_map_regrowth"])
    env.reset(seed=3)
    base = env.unwrapped
    _, reward, _, _, info = _walk_into_mushroom(env, 0)
    assert reward == 1.0 and not base._active[0] and info["collected"] == 1
    due = base._regrow_at[0] - base.frames
    base_delay = base._regrow_base[0]
    assert 48.0 <= base_delay <= 72.0
    assert 0.5 * base_delay / quake.FRAME_TIME - 8 <= due <= 1.5 * base_delay / quake.FRAME_TIME + 8
    base._spawn_at(*base.natlab_map.spawns[0], 0.0, z=quake.rest_height(*base.natlab_map.spawns[0], base._hz, base._hg))
    while base.frames < base._regrow_at[0] - 4:
        env.step(FIRE)
    assert not base._active[0]
    env.step(FIRE)
    env.step(FIRE)
    assert base._active[0]
    _, reward, *_ = _walk_into_mushroom(env, 0)
    assert reward == 1.0
    env.close()


def test_randomized_and_fixed_mushrooms_never_come_back():
    for level in ("varying_map_randomized", "fixed_large_map"):
        env = gym.make(IDS[level])
        env.reset(seed=1)
        base = env.unwrapped
        _, reward, *_ = _walk_into_mushroom(env, 0)
        assert reward == 1.0
        due = base._regrow_at[0]
        assert due == -1 if level == "fixed_large_map" else due - base.frames > base.episode_frames
        env.close()


@pytest.mark.parametrize("level", sorted(nl.LEVELS))
def test_reset_is_deterministic(level):
    env = gym.make(IDS[level])
    a = [env.reset(seed=7)[0]] + [env.step(k % 9)[0] for k in range(12)]
    b = [env.reset(seed=7)[0]] + [env.step(k % 9)[0] for k in range(12)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = env.reset(seed=8)[0]
    assert not np.array_equal(a[0], c)
    env.close()


def test_the_view_shows_terrain_and_a_sky_of_the_haze_colour():
    env = nl.NatLab("varying_map_randomized", show_clock=False)
    env.reset(seed=0)
    r = env._renderer
    env._state[quake.PITCH] = -30.0  # looking up: sky at the top
    img = env._observe()
    seg = r.segmentation
    haze = np.rint(np.array(nl.LIGHTING[env.lighting].haze) * 255)
    assert (seg[0] == -1).all() and np.abs(img[0].astype(float) - haze).max() <= 1.0
    env._state[quake.PITCH] = 30.0  # looking down: terrain
    env._observe()
    terrain = int(np.median(r.segmentation[-10:]))
    assert terrain >= 0 and (r.segmentation == terrain).mean() > 0.5
    env.close()


def test_forager_beats_random_by_far():
    env = gym.make(IDS["varying_map_randomized"])
    forager = [play(env, nl.NatLabForager(), seed=s) for s in range(3)]
    rand = [play(env, RandomAgent(seed=s), seed=s) for s in range(3)]
    assert np.mean(forager) > 15 and np.mean(forager) > 3 * max(1.0, np.mean(rand))
    env.close()

