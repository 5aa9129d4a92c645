"""The Memory Task Suite's transitive inference: the hidden order, premise and probe
trials, the reward rule, the oracle."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import RandomAgent, play
from memory_bench.envs.memory_suite import transitive as ti

STAND = np.zeros(4, np.float32)


def _id(split):
    return f"memory_bench:MemoryTasks-transitive_inference_{split}-v0"


def _touch(env, slot):
    base = env.unwrapped
    x, y = base._items[slot, :2]
    base._spawn_at(float(x), float(y), 0.0)
    return env.step(STAND)


@pytest.mark.parametrize("split", sorted(ti.SPLITS))
def test_premises_are_the_adjacent_pairs_then_probes_skip_ranks(split):
    env = gym.make(_id(split))
    _, info = env.reset(seed=1)
    base = env.unwrapped
    n = len(base.objects)
    stimulus, scales = ti.SPLITS[split]
    assert n == ti.SCALES[scales[0]] and info["stimulus"] == stimulus
    shapes, colours = ti.LOOKS[stimulus]
    assert all(s in shapes and a in colours and b in colours for s, a, b in base.objects)
    assert len(set(base.objects)) == n
    seen = []
    for _ in range(ti.PREMISE_REPEATS * (n - 1)):
        assert info["phase"] == "premise"
        seen.append(tuple(sorted(info["pair"])))
        _, _, _, _, info = _touch(env, 0)
    assert sorted(seen) == sorted([(i, i + 1) for i in range(n - 1)] * ti.PREMISE_REPEATS)
    for _ in range(10):
        assert info["phase"] == "probe" and abs(info["pair"][0] - info["pair"][1]) >= 2
        _, _, _, _, info = _touch(env, 1)
    env.close()


def test_the_higher_ranked_object_pays_one():
    env = gym.make(_id("train_large"))
    _, info = env.reset(seed=2)
    for _ in range(12):
        pair = info["pair"]
        slot = int(np.argmin(pair))
        _, r, _, _, info2 = _touch(env, slot)
        assert r == ti.REWARD
        pair2 = info2["pair"]
        _, r, _, _, info = _touch(env, int(np.argmax(pair2)))
        assert r == 0.0 and info["trials"] == info2["trials"] + 1
    assert info["correct"] == 12
    env.close()


def test_determinism_and_bad_split():
    env = gym.make(_id("holdout_small"))
    acts = np.random.default_rng(0).uniform(-1, 1, size=(15, 4)).astype(np.float32)
    a = [env.reset(seed=4)[0]] + [env.step(x)[0] for x in acts]
    b = [env.reset(seed=4)[0]] + [env.step(x)[0] for x in acts]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    env.close()
    with pytest.raises(ValueError, match="'train'.*train_small"):
        ti.TransitiveInference("train")


def test_oracle_is_always_right_and_random_is_at_chance():
    env = gym.make(_id("train_small"))
    base = env.unwrapped
    assert play(env, ti.TransitiveOracle(), seed=0) == base._info()["trials"] - 1 > 50
    rand = play(env, RandomAgent(seed=0), seed=0)
    assert rand <= base._info()["trials"]
    env.close()
