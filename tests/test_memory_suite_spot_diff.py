"""The Memory Task Suite's Spot the Difference tasks: the two rooms, the changed blocks,
the trial rules, motion, the passive study, the oracle."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import UNIT
from memory_bench.envs.memory_suite import spot_diff as sd

STAND = np.zeros(4, np.float32)


def _id(task, split="train"):
    return f"memory_bench:MemoryTasks-{task}_{split}-v0"


def _touch(env, k):
    """Puts the agent on choice block ``k`` and steps."""
    base = env.unwrapped
    x, y = base._items[sd.MAX_BLOCKS + k, :2]
    base._spawn_at(float(x), float(y), 0.0)
    return env.step(STAND)


@pytest.mark.parametrize("split", ["train", "holdout_interpolate", "holdout_extrapolate"])
@pytest.mark.parametrize("task", sd.TASKS)
def test_the_choice_room_repeats_the_study_room_but_for_the_change(task, split):
    env = gym.make(_id(task, split))
    base = env.unwrapped
    m = base.arena.model
    for seed in range(3):
        _, info = env.reset(seed=seed)
        n = base.n_blocks
        assert n == sd.SCALES[info["scale"]] and info["stimulus"] == ("holdout" if split.startswith("holdout") else "train")
        changed = set(info["changed"])
        assert len(changed) == (2 if task == "spot_diff_multi" else 1)
        palette = np.array(sd.COLORS[info["stimulus"]])
        for k in range(n):
            study = m.geom_rgba[base.arena.item_geoms[k, 0], :3]
            choice = m.geom_rgba[base.arena.item_geoms[sd.MAX_BLOCKS + k, 0], :3]
            assert np.abs(palette - study).max(axis=1).min() < 1e-6  # a colour of the split's set
            same_colour = np.allclose(study, choice)
            if task == "spot_diff_motion" or k not in changed:
                assert same_colour
            else:
                assert not same_colour
            if task == "spot_diff_motion":
                moved = base._periods[k] != base._periods[sd.MAX_BLOCKS + k]
                assert moved == (k in changed)
        # the choice room cannot be seen from the study room: its blocks are not in view
        for yaw in range(0, 360, 30):
            base._spawn_at(*tm.cell_centre(np.array([base.study[0] + 2, base.study[1] + 2]), base.map.shape[0]), yaw)
            base._observe()
            assert not np.isin(base._renderer.segmentation, base.arena.item_geoms[sd.MAX_BLOCKS:]).any()
    env.close()


def test_a_changed_block_pays_and_an_unchanged_one_ends_the_trial():
    env = gym.make(_id("spot_diff_multi"))
    _, info = env.reset(seed=4)
    base = env.unwrapped
    first, second = info["changed"]
    _, r, _, _, info = _touch(env, first)
    assert r == sd.REWARD and info["trials"] == 1 and info["found"] == 1
    _, r, _, _, info = _touch(env, second)
    assert r == sd.REWARD and info["trials"] == 2  # both found: a new trial
    same = next(k for k in range(base.n_blocks) if k not in info["changed"])
    _, r, _, _, info = _touch(env, same)
    assert r == 0.0 and info["trials"] == 3 and info["found"] == 2
    start = tm.cell_centre(np.array([base.study[0] + 2, base.study[1]]), base.map.shape[0])
    assert np.allclose(base._state[:2], start)  # back in the study room
    env.close()


def test_motion_blocks_bob_and_passive_agents_are_carried():
    env = gym.make(_id("spot_diff_motion"))
    env.reset(seed=0)
    base = env.unwrapped
    zs = []
    for _ in range(20):
        env.step(STAND)
        zs.append(base.arena.data.mocap_pos[base.arena.item_mocap[0], 2])
    assert 2.0 * UNIT < np.ptp(zs) <= 2 * sd.BOB * UNIT + 1e-9  # up and down, at most 2 x 8 u
    env.close()
    env = gym.make(_id("spot_diff_passive"))
    env.reset(seed=0)
    base = env.unwrapped
    xs = []
    for _ in range(int(sd.PASSIVE_S * 15) - 2):
        env.step(np.array([0.0, -1.0, 1.0, 0.0], np.float32))  # ignored while carried
        xs.append(base._state[quake.X])
    assert np.all(np.diff(xs) > 0) and base._carried
    for _ in range(4):
        env.step(STAND)
    mouth = tm.cell_centre(np.array(base.mouth), base.map.shape[0])
    assert not base._carried and np.allclose(base._state[:2], mouth)
    env.close()


@pytest.mark.parametrize("task", sd.TASKS)
def test_reset_is_deterministic(task):
    env = gym.make(_id(task, "holdout_small"))
    acts = np.random.default_rng(1).uniform(-1, 1, size=(15, 4)).astype(np.float32)
    a = [env.reset(seed=3)[0]] + [env.step(x)[0] for x in acts]
    b = [env.reset(seed=3)[0]] + [env.step(x)[0] for x in acts]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    env.close()


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="'spot'.*spot_diff_motion"):
        sd.SpotDiff("spot")
    with pytest.raises(ValueError, match="'test'.*holdout_interpolate"):
        sd.SpotDiff(split="test")


def test_oracle_finds_changes_and_random_does_not():
    env = gym.make(_id("spot_diff"))
    assert play(env, sd.SpotDiffOracle(), seed=0) >= 8
    assert play(env, RandomAgent(seed=0), seed=0) <= 1
    env.close()
