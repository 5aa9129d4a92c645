"""Alchemy bots on a few seeds (the 1,000-episode table: python -m memory_bench.envs.alchemy.scores)."""

import numpy as np
import pytest

from memory_bench.envs.alchemy import EVALUATION_LEVEL, AlchemyEnv
from memory_bench.envs.alchemy.bots import BOTS, IdealObserverBot, play_episode
from memory_bench.envs.alchemy.scores import score


@pytest.mark.parametrize(
    "name, episodes, expected, tol",
    [("uniform_random", 400, 17.6, 3.0), ("random_action", 300, 147.0, 10.0), ("cash_positive", 400, 67.5, 4.5)],
)
def test_cheap_bots_near_published(name, episodes, expected, tol):
    mean, se, _ = score(name, episodes)
    assert abs(mean - expected) < tol, (mean, se)


def test_search_oracle_scores_high():
    mean, _, _ = score("search_oracle", 4)
    assert mean > 240  # 288.5 published; one episode's s.d. is about 50


def test_ideal_observer_belief_keeps_the_true_chemistry():
    env = AlchemyEnv(EVALUATION_LEVEL)
    bot = IdealObserverBot(env, horizon=1)
    for seed in range(3):
        obs, info = env.reset(seed=seed)
        bot.begin_episode(obs, info)
        chem = env.chemistry
        W = bot.W
        true = np.flatnonzero((W.pm == chem.potion_map) & (W.sm == chem.stone_map) & (W.rot == chem.rotation)
                              & (np.array(env.level.graph_indices)[W.g] == __import__(
                                  "memory_bench.envs.alchemy.chemistry", fromlist=["x"]).GRAPH_MASKS.index(chem.graph)))
        assert len(true) == 1
        sizes = [len(bot.belief)]
        while True:
            obs, reward, terminated, _, info = env.step(bot.act(obs, info))
            if terminated:
                break
            bot.observe(obs, reward, info)
            assert true[0] in bot.belief
            sizes.append(len(bot.belief))
        assert sizes[-1] < sizes[0]


def test_every_bot_plays_an_episode():
    env = AlchemyEnv(EVALUATION_LEVEL)
    for name, cls in BOTS.items():
        if name == "search_oracle":
            continue  # played above
        bot = cls(env, seed=1, **({"horizon": 1} if name == "ideal_observer" else {}))
        assert isinstance(play_episode(bot, env, seed=1), float)
