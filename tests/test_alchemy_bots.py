"""Alchemy bots on a few seeds (the 1,000-episode table: python -m memory_bench.envs.alchemy.scores).

The exact ideal observer over 50 episodes takes minutes; it runs with ``ALCHEMY_SLOW=1``.
"""

import os

import numpy as np
import pytest

from memory_bench.envs.alchemy import EVALUATION_LEVEL, STANDARD_LEVEL, AlchemyEnv
from memory_bench.envs.alchemy import search
from memory_bench.envs.alchemy.bots import BOTS, IdealObserverBot, play_episode, read_items
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


# ----------------------------------------------------------------------------- the exact search


def _reference(W, vals, codes, pots, b, memo, horizon=None):
    """Plain expectimax over the belief, no pruning: (value, expected dips, move)."""
    key = (tuple(codes), tuple(pots), b.tobytes(), horizon)
    if key in memo:
        return memo[key]
    best = (sum(vals[c & 3] for c in codes), 0.0, -1)
    total = W.prior[b].sum()
    if horizon != 0:
        for i, c in enumerate(codes):
            if i and codes[i - 1] == c:
                continue
            for k in range(6):
                if not pots[k]:
                    continue
                out = W.outcome[c >> 2, k, b]
                kinds = np.unique(out)
                if len(kinds) == 1 and kinds[0] == c:
                    continue
                rest = list(pots)
                rest[k] -= 1
                ev, ea = 0.0, 1.0
                for o in kinds:
                    sub = b[out == o]
                    p = W.prior[sub].sum() / total
                    v, a, _ = _reference(W, vals, sorted(codes[:i] + [int(o)] + codes[i + 1:]), rest, sub, memo,
                                         None if horizon is None else horizon - 1)
                    ev += p * v
                    ea += p * a
                if ev > best[0] + 1e-9 or (ev >= best[0] - 1e-9 and ea < best[1] - 1e-9):
                    best = (ev, ea, c * 8 + k)
    memo[key] = best
    return best


def _trial_states(level, seeds, rng):
    """Trial-start states of a few episodes (played by a 1-dip observer), each with a random
    subset of 2 to 5 of its potions: (bot, stone codes, potion counts, belief)."""
    env = AlchemyEnv(level)
    bot = IdealObserverBot(env, horizon=1)
    for seed in seeds:
        obs, info = env.reset(seed=seed)
        bot.begin_episode(obs, info)
        for _ in range(3):
            stones, potions = read_items(obs)
            pots = [0] * 6
            for j in rng.choice(len(potions), size=rng.integers(2, 6), replace=False):
                pots[potions[j][1]] += 1
            yield bot, sorted(4 * p + (s + 3) // 2 for _, p, s in stones), pots, np.asarray(bot.belief, np.int64)
            trial = env.trial_number
            while env.trial_number == trial:
                obs, reward, terminated, _, info = env.step(bot.act(obs, info))
                if terminated:
                    return
                bot.observe(obs, reward, info)


def _search(bot, codes, pots, b, horizon=-1):
    W = bot.W
    c = np.full(3, search.NO_STONE, np.int64)
    c[:len(codes)] = codes
    h1, h2 = search.belief_hash(b, W.z1, W.z2)
    memo = search.Memo(16)
    return search.search(c, len(codes), np.array(pots, np.int64), b, h1, h2, -1.0, 0, horizon, -np.inf, W.prior,
                         W.outcome, W.z1, W.z2, bot._vals, W.colmap, W.colperm, W.pm, W.rs, W.g, W.latent, W.potlat,
                         *bot._table, *memo.arrays(), np.zeros(2, np.int64), *W.workspace())


@pytest.mark.parametrize("level", [EVALUATION_LEVEL, STANDARD_LEVEL])
def test_exact_search_matches_plain_expectimax(level):
    """Value, expected dips and move of the compiled search (bounds, cuts, symmetries, memo)
    equal those of a plain expectimax, on trial states with few potions."""
    rng = np.random.default_rng(0)
    for bot, codes, pots, b in _trial_states(level, range(4), rng):
        ref = _reference(bot.W, bot._vals, codes, pots, b, {})
        got = _search(bot, codes, pots, b)
        assert got[3] == 0
        assert abs(got[0] - ref[0]) < 1e-7 and abs(got[1] - ref[1]) < 1e-7 and got[2] == ref[2], (codes, pots, ref, got)
        # a horizon values fewer dips: never more than the exact search
        short = _search(bot, codes, pots, b, horizon=1)
        assert short[0] <= got[0] + 1e-9
        assert abs(short[0] - _reference(bot.W, bot._vals, codes, pots, b, {}, horizon=1)[0]) < 1e-7


def test_known_value_table_bounds_the_search():
    """The bound (the trial's pay with the chemistry known) is never below the value."""
    rng = np.random.default_rng(1)
    for bot, codes, pots, b in _trial_states(EVALUATION_LEVEL, range(3), rng):
        W = bot.W
        c = np.full(3, search.NO_STONE, np.int64)
        c[:len(codes)] = codes
        bound = search.belief_bound(c, len(codes), np.array(pots, np.int64), b, W.prior, W.pm, W.rs, W.g, W.latent,
                                    W.potlat, *bot._table)
        for w in b[:: max(1, len(b) // 40)]:
            one = np.array([w])
            assert _search(bot, codes, pots, one)[0] <= search.belief_bound(
                c, len(codes), np.array(pots, np.int64), one, W.prior, W.pm, W.rs, W.g, W.latent, W.potlat,
                *bot._table) + 1e-9
        assert _search(bot, codes, pots, b)[0] <= bound + 1e-9


def test_exact_ideal_observer_plays_episodes():
    env = AlchemyEnv(EVALUATION_LEVEL)
    bot = IdealObserverBot(env)
    assert bot.horizon is None
    scores = [play_episode(bot, env, seed=seed) for seed in (4, 7, 24)]  # quick seeds
    assert np.mean(scores) > 250, scores


def test_ideal_observer_above_250_over_50_episodes():
    """The issue's check, with a 3-dip receding horizon to keep it quick (278 over these
    50 seeds; the exact search scores higher, see the README)."""
    mean, se, _ = score("ideal_observer", 50, horizon=3)
    assert mean > 250, (mean, se)


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("ALCHEMY_SLOW"), reason="minutes; set ALCHEMY_SLOW=1")
def test_exact_ideal_observer_above_250_over_50_episodes():
    mean, se, _ = score("ideal_observer", 50)
    assert mean > 250, (mean, se)


def test_scores_do_not_depend_on_workers_or_resuming(tmp_path):
    """Each episode's bot is seeded by the episode's index, so two processes give the
    same scores as one, and a run resumed from a scores file gives the same again."""
    one = score("random_action", 24)
    two = score("random_action", 24, workers=2)
    assert one[:2] == two[:2]
    path = tmp_path / "scores.txt"
    score("random_action", 10, scores_file=str(path))
    assert len(path.read_text().splitlines()) == 10
    resumed = score("random_action", 24, scores_file=str(path), workers=2)
    assert resumed[:2] == one[:2]
    lines = path.read_text().splitlines()
    assert sorted(int(line.split()[1]) for line in lines) == list(range(24))
    with pytest.raises(ValueError, match="workers must be at least 1, got 0"):
        score("random_action", 2, workers=0)
