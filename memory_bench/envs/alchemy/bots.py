"""Bots for symbolic Alchemy (spec section 9), written from the spec.

Every bot plays from the 39-value observation (``observe_used=True``, the default); the
search oracle is also handed the true chemistry. ``play_episode(bot, env, seed)`` runs one
episode and returns its score.

* :class:`UniformRandomBot`: uniformly random integer actions.
* :class:`RandomActionBot`: the original's random-action bot: dips a random stone that
  is not yet +15 into a random potion while both exist, then cashes the positive stones.
* :class:`CashPositiveBot`: cashes every positive stone, never uses a potion.
* :class:`IdealObserverBot`: exact Bayesian posterior over the chemistries (world states)
  consistent with everything seen this episode, and an exact expectimax to the end of the
  current trial (maximise the expected trial reward, then minimise the expected number
  of dips; ties go to END, evaluated first), compiled in :mod:`.search`.
* :class:`SearchOracleBot`: the same search with the true chemistry as the only world.
"""

from __future__ import annotations

import random

import numpy as np

from memory_bench.envs.alchemy import search
from memory_bench.envs.alchemy.chemistry import (
    COORDS,
    GRAPH_MASKS,
    Chemistry,
    Level,
    PotionMap,
    align,
    perceive,
)

# Perceived stone vectors in {-1, 0, 1}^3, indexed 9 (p0+1) + 3 (p1+1) + (p2+1).
PERCEIVED = [(a, b, c) for a in (-1, 0, 1) for b in (-1, 0, 1) for c in (-1, 0, 1)]


def _pidx(p) -> int:
    return 9 * (p[0] + 1) + 3 * (p[1] + 1) + (p[2] + 1)


def read_items(obs) -> tuple[list, list]:
    """Existing stones ``(slot, perceived idx, reward sum)`` and potions ``(slot, colour)``
    from a 39-value observation."""
    o = np.asarray(obs["symbolic_obs"] if isinstance(obs, dict) else obs)
    if o.shape != (39,):
        raise ValueError("the bots read the default 39-value observation (observe_used=True)")
    vals = np.rint(o * 3).astype(int).tolist()
    stones = []
    for i in range(3):
        if o[5 * i + 4] == 0:
            p = tuple(v // 3 for v in vals[5 * i:5 * i + 3])
            stones.append((i, _pidx(p), vals[5 * i + 3]))
    potions = [(j, vals[15 + 2 * j] + 3) for j in range(12) if o[16 + 2 * j] == 0]
    return stones, potions


def _stone_value(sigma: int, env) -> float:
    c = (1, 1, 1) if sigma == 3 else None
    if c is not None:
        return float(env.reward_weights.value(c))
    return float(sigma) if sigma > 0 else 0.0


class Bot:
    """Base: ``act(obs, info)`` gives the next integer action for ``self.env`` (unwrapped)."""

    def __init__(self, env, seed: int | None = None):
        self.env = env.unwrapped
        self.rng = random.Random(seed)
        self._plan: list[int] = []

    def begin_episode(self, obs, info) -> None:
        self._plan = []

    def observe(self, obs, reward, info) -> None:
        if info.get("is_new_trial"):
            self._plan = []

    def use_positive_stones(self, obs) -> int:
        """The original's END: cash every positive stone in slot order, then end the trial."""
        stones, _ = read_items(obs)
        self._plan = [self.env.action_for(s) for s, _, sigma in stones if sigma > 0]
        return self._next_in_plan()

    def _next_in_plan(self) -> int:
        if self._plan:
            return self._plan.pop(0)
        return 0 if self.env.end_trial_action else self.env.noop_action

    def act(self, obs, info) -> int:
        raise NotImplementedError


class UniformRandomBot(Bot):
    def act(self, obs, info) -> int:
        return self.rng.randrange(self.env.action_space.n)


class CashPositiveBot(Bot):
    def act(self, obs, info) -> int:
        if info.get("steps_this_trial", 0) == 0 and not self._plan:
            return self.use_positive_stones(obs)
        return self._next_in_plan()


class RandomActionBot(Bot):
    """Spec 9: stones with reward sum below 2 and any potion, chosen at random, until
    either runs out; then the positive stones are cashed."""

    threshold_for_leaving = 2

    def act(self, obs, info) -> int:
        if self._plan or getattr(self, "_ending", False):
            return self._next_in_plan()
        stones, potions = read_items(obs)
        candidates = [s for s, _, sigma in stones if sigma < self.threshold_for_leaving]
        if not candidates or not potions:
            self._ending = True
            return self.use_positive_stones(obs)
        stone = self.rng.sample(candidates, 1)[0]
        potion = self.rng.sample(potions, 1)[0][0]
        return self.env.action_for(stone, potion)

    def observe(self, obs, reward, info) -> None:
        super().observe(obs, reward, info)
        if info.get("is_new_trial"):
            self._ending = False

    def begin_episode(self, obs, info) -> None:
        super().begin_episode(obs, info)
        self._ending = False


# ----------------------------------------------------------------------------- the search


_LEVEL_WORLDS: dict = {}


class _Worlds:
    """Every world state of a level (rotation, potion map, stone map, graph) with its prior
    and the tables the search needs, as numpy arrays over worlds."""

    def __init__(self, rotations, potion_maps, stone_maps, graphs, graph_prior):
        rot, pm, sm, g = np.meshgrid(
            np.asarray(rotations), np.asarray(potion_maps), np.asarray(stone_maps), np.arange(len(graphs)), indexing="ij"
        )
        self.rot, self.pm, self.sm, self.g = (a.ravel() for a in (rot, pm, sm, g))
        self.rs = self.rot * 8 + self.sm
        prior = np.asarray(graph_prior, np.float64)[self.g]
        self.prior = prior / prior.sum()
        # latent[rs, pidx]: latent stone of a perceived stone (-1: not aligned).
        self.latent = np.full((32, 27), -1, np.int64)
        # percv[rs, c]: perceived index of latent stone c.
        self.percv = np.zeros((32, 8), np.int64)
        for r in range(4):
            for m in range(8):
                md = COORDS[m]
                for i, p in enumerate(PERCEIVED):
                    a = align(p, r)
                    if a is not None:
                        c = tuple(x * y for x, y in zip(a, md))
                        self.latent[r * 8 + m, i] = sum(((v + 1) // 2) << k for k, v in enumerate(c))
                for c in range(8):
                    a = tuple(x * y for x, y in zip(COORDS[c], md))
                    self.percv[r * 8 + m, c] = _pidx(perceive(a, r))
        # potlat[pm, colour]: latent potion index.
        self.potlat = np.zeros((48, 6), np.int64)
        for k in range(48):
            pmap = PotionMap.from_index(k)
            for colour in range(6):
                d, s = pmap.latent_of(colour)
                self.potlat[k, colour] = 2 * d + (s + 1) // 2
        # trans[g, c, potion]: latent stone after a dip.
        self.trans = np.zeros((len(graphs), 8, 6), np.int64)
        for gi, mask in enumerate(graphs):
            chem = Chemistry(0, 7, mask, 0)
            for c in range(8):
                for p in range(6):
                    self.trans[gi, c, p] = chem.transition(c, p)
        self.csum = np.array([sum(COORDS[c]) for c in range(8)])
        # The search's tables: outcome codes per (perceived stone, colour, world), hash keys.
        self.outcome = search.outcome_table(self)
        self.z1, self.z2 = search.world_hash_keys(len(self.prior))
        self.colmap, self.colperm = search.colour_symmetries(self)
        self._ws = None

    def workspace(self) -> tuple:
        if self._ws is None:
            self._ws = search.Workspace(len(self.prior)).arrays()
        return self._ws

    @staticmethod
    def for_level(level: Level) -> "_Worlds":
        """The worlds of a level, built on first use (about a second) and kept."""
        worlds = _LEVEL_WORLDS.get(level.name)
        if worlds is None:
            graphs = [GRAPH_MASKS[g] for g in level.graph_indices]
            worlds = _Worlds(level.rotations, level.potion_maps, level.stone_maps, graphs,
                             level.graph_probs.astype(np.float64))
            _LEVEL_WORLDS[level.name] = worlds
        return worlds

    @staticmethod
    def for_chemistry(chem: Chemistry) -> "_Worlds":
        return _Worlds((chem.rotation,), (chem.potion_map,), (chem.stone_map,), [chem.graph], [1.0])


class IdealObserverBot(Bot):
    """Bayesian ideal observer with a per-trial expectimax (spec 9).

    The belief is the set of world states consistent with everything seen this episode
    (the exact posterior is the prior restricted to it). Each decision runs the compiled
    expectimax of :mod:`.search` over the rest of the trial, memoised on canonical states
    (stone and potion multisets, belief set) for the whole trial. Tables are built on the
    first episode of a level (about three seconds) and kept for the process.

    ``horizon``: None (the default) searches to the end of the trial, exactly (a few
    seconds per episode on average, a minute or two for the hardest first trials); an
    integer limits the look-ahead to that many dips (past it a state is valued as END;
    the search restarts at every decision, so it is a receding horizon).
    """

    #: The memo's size (log2 of entries, 48 bytes each) for the first trial, whose first
    #: search is by far the largest (up to about 4 million states on the evaluation level:
    #: 2^24 entries, 0.8 GB, hold them all, where a memo emptied when full expands twice
    #: as many), and for the later trials (at most about 10^5 states). Either grows to
    #: 2^24 when a search had to empty it (a horizon: 2^16 for both).
    memo_log2_size = 24
    later_memo_log2_size = 20

    def __init__(self, env, seed: int | None = None, horizon: int | None = None):
        super().__init__(env, seed)
        self._worlds_cache = None
        self._memos: dict[bool, search.Memo] = {}  # by first trial or not
        self._memo: search.Memo | None = None
        self._memo_first = False  # whether self._memo is the first trial's
        self.horizon = horizon
        self.stats = np.zeros(2, np.int64)  # states expanded, memo hits (cumulative)

    def _worlds_for_episode(self) -> _Worlds:
        if self._worlds_cache is None:
            self._worlds_cache = _Worlds.for_level(self.env.level)
        return self._worlds_cache

    def begin_episode(self, obs, info) -> None:
        super().begin_episode(obs, info)
        self._vals = np.array([_stone_value(s, self.env) for s in (-3, -1, 1, 3)], np.float64)
        self.W = self._worlds_for_episode()
        self._table = search.known_value_table(self.W.trans, self._vals)
        self.belief = np.arange(len(self.W.prior))
        self._new_trial(obs)

    def _new_trial(self, obs) -> None:
        self._ending = False
        first = self._memo_first = self.env.trial_number == 0 and self.horizon is None
        if first not in self._memos:
            size = 16 if self.horizon is not None else self.memo_log2_size if first else self.later_memo_log2_size
            self._memos[first] = search.Memo(size)
        self._memo = self._memos[first]
        self._memo.clear()
        stones, _ = read_items(obs)
        W, b = self.W, self.belief
        for _, pi, sigma in stones:
            c = W.latent[W.rs[b], pi]
            ok = (c >= 0) & (W.csum[np.maximum(c, 0)] == sigma)
            b = b[ok]
        self.belief = b
        self._pending = None

    def observe(self, obs, reward, info) -> None:
        if info.get("is_new_trial"):
            self._plan = []
            self._new_trial(obs)
            return
        if self._pending is not None:
            slot, pi, colour = self._pending
            self._pending = None
            stones, _ = read_items(obs)
            after = next(((p, s) for i, p, s in stones if i == slot), None)
            if after is not None:
                outcome = after[0] * 8 + after[1] + 3
                self.belief = self._split(self.belief, pi, colour).get(outcome, self.belief[:0])

    def _split(self, b, pi, colour) -> dict[int, np.ndarray]:
        """Worlds of belief ``b`` grouped by the outcome (perceived idx * 8 + sum + 3) of
        dipping perceived stone ``pi`` into ``colour``."""
        W = self.W
        rs = W.rs[b]
        c = W.latent[rs, pi]
        new = W.trans[W.g[b], c, W.potlat[W.pm[b], colour]]
        key = W.percv[rs, new] * 8 + W.csum[new] + 3
        if key.size and (key == key[0]).all():
            return {int(key[0]): b}
        order = np.argsort(key, kind="stable")
        ks = key[order]
        cuts = np.flatnonzero(np.diff(ks)) + 1
        return {int(ks[s]): b[order[s:e]] for s, e in zip(np.r_[0, cuts], np.r_[cuts, len(ks)])}

    def plan(self, obs) -> tuple[float, float, int, int]:
        """(expected trial reward, expected dips, move, 0) of the search from ``obs``; move
        ``8 * stone code + colour`` (stone code ``4 * perceived idx + (sum + 3) / 2``) or -1
        for END."""
        stones, potions = read_items(obs)
        pots = np.zeros(6, np.int64)
        for _, colour in potions:
            pots[colour] += 1
        codes = np.full(3, search.NO_STONE, np.int64)
        sc = sorted(4 * p + (s + 3) // 2 for _, p, s in stones)
        codes[:len(sc)] = sc
        b = np.ascontiguousarray(self.belief, dtype=np.int64)
        if len(b) == 0 or not sc:
            return 0.0, 0.0, -1, 0
        W = self.W
        h1, h2 = search.belief_hash(b, W.z1, W.z2)
        horizon = -1 if self.horizon is None else int(self.horizon)
        if horizon >= 0:
            self._memo.clear()  # a receding horizon: values depend on the depth left
        result = search.search(codes, len(sc), pots, b, h1, h2, -1.0, 0, horizon, -np.inf, W.prior, W.outcome, W.z1,
                               W.z2, self._vals, W.colmap, W.colperm, W.pm, W.rs, W.g, W.latent, W.potlat, *self._table,
                               *self._memo.arrays(), self.stats, *W.workspace())
        self._memo = self._memo.grown()
        self._memos[self._memo_first] = self._memo
        return result

    def act(self, obs, info) -> int:
        if self._plan or self._ending:
            return self._next_in_plan()
        move = self.plan(obs)[2]
        if move < 0:
            self._ending = True
            return self.use_positive_stones(obs)
        code, colour = divmod(int(move), 8)
        pi, sigma = code // 4, 2 * (code % 4) - 3
        stones, potions = read_items(obs)
        slot = next(i for i, p, s in stones if (p, s) == (pi, sigma))
        pslot = next(j for j, c in potions if c == colour)
        self._pending = (slot, pi, colour)
        return self.env.action_for(slot, pslot)


class SearchOracleBot(IdealObserverBot):
    """The ideal observer's search, knowing the true chemistry (one world); exhaustive."""

    memo_log2_size = 18
    later_memo_log2_size = 18

    def __init__(self, env, seed: int | None = None, horizon: int | None = None):
        super().__init__(env, seed, horizon)

    def _worlds_for_episode(self) -> _Worlds:
        return _Worlds.for_chemistry(self.env.chemistry)


BOTS = {
    "uniform_random": UniformRandomBot,
    "random_action": RandomActionBot,
    "cash_positive": CashPositiveBot,
    "ideal_observer": IdealObserverBot,
    "search_oracle": SearchOracleBot,
}


def play_episode(bot: Bot, env, seed: int | None = None) -> float:
    """Plays one episode of ``env`` with ``bot`` (``env.reset(seed=seed)``); returns the score."""
    obs, info = env.reset(seed=seed)
    bot.begin_episode(obs, info)
    total = 0.0
    while True:
        obs, reward, terminated, truncated, info = env.step(bot.act(obs, info))
        total += reward
        if terminated or truncated:
            return total
        bot.observe(obs, reward, info)
