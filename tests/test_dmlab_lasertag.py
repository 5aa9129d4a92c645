"""DMLab-30's laser tag: Quake III's deathmatch rules, the gadgets, pickups, tags and
respawns, the scripted bots."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import lasertag as lg
from memory_bench.envs.dmlab import lasertag_rules as lt
from memory_bench.envs.dmlab.base import ACTION_NAMES
from memory_bench.envs.dmlab.lasertag_bots import ScriptedPlayer, skill_params

IDS = {lv: f"DMLab-lasertag_{lv}-v0" for lv in lg.LEVELS}
FIRE = ACTION_NAMES.index("fire")
FORWARD = ACTION_NAMES.index("forward")


def test_armour_takes_two_thirds_and_shield_counts_down_to_100():
    p = lt.Player(0)
    p.spawn(150.0, 150.0, 0.0)
    assert p.shield == 125 and p.armor == 0 and p.gadget == lt.RAPID and p.charges[lt.RAPID] == 100
    p.armor = 50
    p.take(7)  # ceil(7 * 0.66) = 5 to the armour, 2 to the shield
    assert (p.armor, p.shield) == (45, 123)
    for _ in range(int(30 * 1000 / lt.quake.FRAME_MSEC) + 1):
        p.count_down(lt.quake.FRAME_MSEC)
    assert p.shield == 100  # 1 a second down to the maximum, then no further
    p.armor = 150
    for _ in range(int(10 * 1000 / lt.quake.FRAME_MSEC)):
        p.count_down(lt.quake.FRAME_MSEC)
    assert p.armor == 140


def test_rays_stop_at_walls_the_floor_and_players():
    solid = np.zeros((5, 5), dtype=bool)
    solid[:, 4] = True  # a wall column at x 400..500
    boxes = np.array([[185.0, 235.0, 0.0, 215.0, 265.0, 56.0]])
    t, k = lt.ray_hit(50.0, 250.0, 40.0, 1.0, 0.0, 0.0, 8192.0, solid, 100.0, boxes, -1)
    assert k == 0 and t == pytest.approx(135.0)
    t, k = lt.ray_hit(50.0, 250.0, 40.0, 1.0, 0.0, 0.0, 8192.0, solid, 100.0, boxes, 0)  # the shooter's own box
    assert k == -1 and t == pytest.approx(350.0)
    d = np.array([1.0, 0.0, -1.0]) / np.sqrt(2)
    t, k = lt.ray_hit(50.0, 350.0, 40.0, *d, 8192.0, solid, 100.0, boxes, -1)
    assert k == -1 and t == pytest.approx(40.0 * np.sqrt(2))  # the floor


def _duel(seed=0, level="one_opponent_small"):
    """The agent with a bot frozen 80 u in front of it, in an open cell row."""
    env = gym.make(IDS[level])
    env.reset(seed=seed)
    base = env.unwrapped
    me, bot = base.players[0], base.players[1]
    base.bots = []  # the bot stands still (no mind)
    cells = np.argwhere(~base.map.walls)
    for r, c in cells:  # a cell with two more open cells to its east
        if c + 2 < base.map.shape[1] and not base.map.walls[r, c + 1] and not base.map.walls[r, c + 2]:
            break
    x, y = tm.cell_centre(np.array([r, c]), base.h)
    me.spawn(float(x), float(y), 0.0)
    bot.spawn(float(x) + 80.0, float(y), 180.0)
    base.pickup_up[:] = base._pick_active[:] = False
    return env, base, me, bot


def test_a_tag_scores_one_and_the_tagged_bot_respawns_after_1_7_s():
    env, base, me, bot = _duel()
    bot.shield = 6
    _, reward, *_ = env.step(FIRE)
    assert reward == 1.0 and me.score == 1 and not bot.alive and bot.tagged == 1
    frames = 0
    while not bot.alive:
        # a bot presses fire at once: back 1.7 s later, at a spawn mark
        base._frame([np.zeros(5), np.zeros(5)], [False, True])
        frames += 1
    assert frames * quake.FRAME_MSEC == pytest.approx(lt.RESPAWN_MS, abs=quake.FRAME_MSEC)
    spawns = tm.cell_centre(base.map.spawns, base.h)
    assert np.min(np.hypot(*(spawns - bot.state[:2]).T)) < 1e-6 and bot.shield == 125
    env.close()


def test_rapid_fires_every_100_ms_and_runs_out():
    env, base, me, bot = _duel()
    bot.state[quake.Y] += 500.0  # out of the way
    me.charges[lt.RAPID] = 3
    for _ in range(40):
        base._frame([np.zeros(5), np.zeros(5)], [True, False])
    assert me.charges[lt.RAPID] == 0 and me.gadget == lt.IMPULSE  # fell back to the contact gadget
    me.spawn(*me.state[:2], 0.0)
    shots = []
    for f in range(60):
        before = me.charges[lt.RAPID]
        base._frame([np.zeros(5), np.zeros(5)], [True, False])
        if me.charges[lt.RAPID] < before:
            shots.append(f)
    gaps = np.diff(shots) * quake.FRAME_MSEC
    assert 96 <= gaps.mean() <= 112  # 100 ms of engine time, in 16 ms frames
    env.close()


def test_an_orb_into_a_near_wall_tags_yourself_for_minus_one():
    env, base, me, bot = _duel()
    bot.state[quake.Y] += 500.0
    me.state[quake.YAW] = 180.0 + 1e-3  # facing the wall behind, 50 - 15 u away
    me.state[quake.PITCH] = 30.0
    me.charges[lt.ORB] = 10
    me.gadget = lt.ORB
    me.shield = 20
    total = 0.0
    for _ in range(10):
        _, r, *_ = env.step(FIRE)
        total += r
        if not me.alive:
            break
    assert total == -1.0 and not me.alive and me.score == -1
    env.close()


def test_pickups_give_health_armour_and_gadgets_and_come_back():
    env = gym.make(IDS["one_opponent_large"])
    env.reset(seed=4)
    base = env.unwrapped
    me = base.players[0]
    kinds = [k for k, _ in base.pickups]
    assert len(kinds) == 6 and sum(k in lt.PICKUP_WEAPONS for k in kinds) == 2
    for j, (kind, cell) in enumerate(base.pickups):
        me.shield, me.armor = 40, 0
        base._pick_up(me, j)
        if kind == lt.HEALTH:
            assert me.shield == 90
        elif kind == lt.ARMOR:
            assert me.armor == 50
        else:
            assert me.gadget == kind and me.charges[kind] == lt.GADGETS[kind].charges
        assert not base.pickup_up[j]
        back = base._pickup_back_ms[j] - base.clock_ms
        assert back == 1000 * lt.RESPAWN_S[kind if kind in (lt.HEALTH, lt.ARMOR) else "weapon"]
    me.shield = 100
    j = next((j for j, (k, _) in enumerate(base.pickups) if k == lt.HEALTH), None)
    if j is not None:
        base.pickup_up[j] = True
        base._pick_up(me, j)
        assert base.pickup_up[j]  # not taken at full shield
    env.close()


def test_a_tagged_agent_respawns_only_when_it_fires_or_after_20_s():
    env, base, me, bot = _duel()
    me.shield = 1
    base._damage(me, bot, 7.0)
    assert not me.alive and bot.score == 1
    for _ in range(200):  # 12.8 s without fire: still down
        env.step(FORWARD)
    assert not me.alive
    env.step(FIRE)
    assert me.alive and me.shield == 125
    me.shield = 1
    base._damage(me, bot, 7.0)
    n = 0
    while not me.alive:
        env.step(FORWARD)
        n += 1
    assert n * 4 * quake.FRAME_MSEC == pytest.approx(lt.FORCE_RESPAWN_MS, abs=4 * quake.FRAME_MSEC)
    env.close()


@pytest.mark.parametrize("level", sorted(lg.LEVELS))
def test_maps_players_and_determinism(level):
    env = gym.make(IDS[level])
    obs, info = env.reset(seed=3)
    base = env.unwrapped
    n_bots, maze, gadgets, items = lg.LEVELS[level]
    assert base.map.shape == (maze.height, maze.width) and len(base.players) == 1 + n_bots
    assert len(base.pickups) == gadgets + items and info["shield"] == 125 and info["gadget"] == "rapid"
    a = [obs] + [env.step(k % 9)[0] for k in range(30)]
    pos = [p.state.copy() for p in base.players]
    b = [env.reset(seed=3)[0]] + [env.step(k % 9)[0] for k in range(30)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(np.array_equal(p.state, q) for p, q in zip(base.players, pos))
    env.close()


def test_bots_are_drawn_where_they_stand_in_their_hue():
    env, base, me, bot = _duel(seed=2)
    base._sync_players()
    base._observe()
    seg = base._renderer.segmentation
    body = base.arena.item_geoms[0]
    assert np.isin(seg, body).mean() > 0.05  # 80 u ahead: a large part of the view
    rgb = base.arena.model.geom_rgba[body[0], :3]
    import colorsys

    assert colorsys.rgb_to_hsv(*rgb)[0] * 360 == pytest.approx(base.bot_hue, abs=1.0)
    env.close()


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="'nowhere'.*one_opponent_small"):
        lg.LaserTag("nowhere")
    with pytest.raises(ValueError, match=r"skill=7.*\[1, 5\]"):
        lg.LaserTag(bot_skill=7)
    assert skill_params(1).reaction_s > skill_params(4).reaction_s > skill_params(5).reaction_s


def test_scripted_player_tags_bots_and_random_play_does_not():
    env = gym.make(IDS["one_opponent_small"])
    impala = play(env, ScriptedPlayer(), seed=0)
    rand = [play(env, RandomAgent(seed=s), seed=s) for s in range(2)]
    assert impala >= 8 and max(rand) <= 1
    env.close()
    raw = gym.make(IDS["one_opponent_small"], **ScriptedPlayer.env_kwargs)
    assert play(raw, ScriptedPlayer(), seed=0) > max(impala, 12.65)  # aimed as with a mouse: past the human score
    raw.close()


def test_bots_tag_each_other():
    env = gym.make(IDS["three_opponents_small"])
    env.reset(seed=1)
    base = env.unwrapped
    done = False
    while not done:
        _, _, te, tr = (None, *base._advance(FORWARD))
        done = te or tr
    assert sum(p.score for p in base.players[1:]) > 3
    env.close()


def test_gui_plays_laser_tag(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pytest.importorskip("pygame")
    from memory_bench.gui import app, load_episode, replay_check

    player = app.Player(IDS["three_opponents_small"], seed=1, out=tmp_path, max_steps=6, fps=0)
    try:
        for k in ({"up"}, {"space"}, {"left"}, {"space"}, {"up"}, {"up"}):
            player.tick(k)
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (7, 72, 96, 3) and replay_check(player.saved[0])
