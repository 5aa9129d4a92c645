"""The ideal observer's per-trial expectimax, exact and compiled with numba (spec 9).

A search state is a trial state as the agent sees it plus its belief:

* the stones, each as a code ``4 * perceived_index + (reward_sum + 3) / 2``, sorted (a
  multiset: stones of the same type are interchangeable);
* the potion counts per colour (potions of the same colour are interchangeable);
* the belief: the set of world states (chemistries) consistent with everything seen, as
  an array of world indices. Observations are deterministic given the world, so the exact
  posterior is the prior restricted to that set, renormalised.

The value of a state is the larger of END (cash every positive stone: a +1 stone pays 1,
the best stone 3 + bonus, a negative stone 0) and, over every (stone type, colour) dip,
the expectation over the dip's outcomes of the value of the state it leads to. Ties are
broken by the expected number of dips still to make (fewer is better; END, evaluated
first, wins exact ties; then the lower stone code and colour), as the original does.
Nothing is valued past the end of the trial. States are memoised on their canonical form:
the stone and potion multisets and a 128-bit hash of the belief set (two XORs of random
64-bit keys, one per world: equal sets share a key, different sets collide with
probability about 2^-128), kept for the whole trial.

What makes it fast without changing any value or choice:

* an upper bound on every state, the belief's average of the most the trial could pay
  if the chemistry were known (:func:`known_value_table`, exact for every world: each
  stone's Pareto-best paths in the world's graph, the potions shared among the stones),
  which prunes as in alpha-beta search: a dip whose outcomes evaluated so far plus the
  bounds of the rest cannot reach the best move found (or the value the caller needs,
  ``alpha``) is cut short, and a state that cannot reach ``alpha`` returns a bound
  instead of its value; the dips are tried best bound first;
* a dip known to leave the stone as it is only wastes a potion; a second stone of a type
  already tried gives the same values; a colour that a relabelling of the colours keeping
  the potion counts and the belief maps to a lower colour gives the same values (a
  relabelling keeps the belief when it maps each of its worlds into it: the test stops at
  the first world mapped outside);
* the belief is walked in runs of worlds sharing a frame (stone map, potion map; the
  graph varies fastest in the world index): the latent stones, potion counts and the
  bound table's row are computed once per run and outcome, not per world (a dip has at
  most two outcomes in a run). The worlds are still visited in the same order, so every
  sum is the same to the last bit;
* every array the search needs is preallocated per depth (:class:`Workspace`) and the memo
  is a flat hash table (:class:`Memo`).

The tables are computed here from the chemistry rules of :mod:`.chemistry`, on first use,
in about three seconds in all: the outcome of every (perceived stone, colour) dip in
every world (:func:`outcome_table`), the colour relabellings (:func:`colour_symmetries`)
and the known-chemistry values (:func:`known_value_table`, with a progress bar).
"""

from __future__ import annotations

import numpy as np
from numba import njit

N_CODES = 27 * 4  # perceived stone index x reward index
NO_STONE = 127
EPS = 1e-9


class Memo:
    """The memo, an open-addressing hash table in numpy arrays: ``keys[i]`` a (state key,
    belief hash 1, belief hash 2) (state key -1: empty), ``vals[i]`` (value, expected dips),
    ``moves[i]`` ``2 * (move + 1) + bound``; ``count`` (entries, times emptied). It is only
    a cache: when 70% full it is emptied, and :meth:`grown` gives a larger one for the next
    search (``2 ** log2_size`` entries of 48 bytes)."""

    def __init__(self, log2_size: int = 20):
        self.log2_size = log2_size
        n = 1 << log2_size
        self.keys = np.full((n, 3), -1, np.int64)
        self.vals = np.zeros((n, 2))
        self.moves = np.zeros(n, np.int64)
        self.count = np.zeros(2, np.int64)

    def clear(self) -> None:
        self.keys[:, 0] = -1
        self.count[:] = 0

    def grown(self, max_log2_size: int = 24) -> "Memo":
        """Self, or a larger empty memo if this one had to be emptied during a search."""
        if self.count[1] and self.log2_size < max_log2_size:
            return Memo(min(self.log2_size + 2, max_log2_size))
        return self

    def arrays(self) -> tuple:
        return self.keys, self.vals, self.moves, self.count


@njit(cache=True, inline="always")
def _find(keys, k0, h1, h2):
    """The slot of a key: where it is, or the empty slot where it would go."""
    mask = keys.shape[0] - 1
    i = (h1 ^ (k0 * -7046029254386353131) ^ (h2 >> 17)) & mask
    while True:
        if keys[i, 0] == -1 or (keys[i, 0] == k0 and keys[i, 1] == h1 and keys[i, 2] == h2):
            return i
        i = (i + 1) & mask


@njit(cache=True)
def _store(keys, mv, moves, count, i, k0, h1, h2, v, a, move, bound):
    if keys[i, 0] == -1:
        if count[0] >= keys.shape[0] * 7 // 10:
            keys[:, 0] = -1
            count[0] = 0
            count[1] += 1
            i = _find(keys, k0, h1, h2)
        count[0] += 1
        keys[i, 0] = k0
        keys[i, 1] = h1
        keys[i, 2] = h2
    mv[i, 0] = v
    mv[i, 1] = a
    moves[i] = 2 * (move + 1) + bound


def world_hash_keys(n_worlds: int, seed: int = 12345) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    z = rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max, size=(2, n_worlds), dtype=np.int64, endpoint=True)
    return z[0].copy(), z[1].copy()


@njit(cache=True)
def _state_key(codes, n, pots, depth):
    k = 0
    for i in range(3):
        c = codes[i] if i < n else NO_STONE
        k |= c << (7 * i)
    for j in range(6):
        k |= pots[j] << (21 + 4 * j)
    k |= depth << 45
    return k


@njit(cache=True)
def belief_hash(b, z1, z2):
    h1 = 0
    h2 = 0
    for w in b:
        h1 ^= z1[w]
        h2 ^= z2[w]
    return h1, h2


@njit(cache=True)
def _sorted_into(out, codes, n, i, new):
    """``out``: the stone codes with stone ``i`` replaced by ``new``, sorted."""
    for j in range(n):
        out[j] = codes[j]
    out[i] = new
    for a in range(n):
        for c in range(a + 1, n):
            if out[c] < out[a]:
                t = out[a]
                out[a] = out[c]
                out[c] = t
    for j in range(n, 3):
        out[j] = NO_STONE


@njit(cache=True)
def _end_value(codes, n, vals):
    v = 0.0
    for i in range(n):
        v += vals[codes[i] & 3]
    return v


@njit(cache=True)
def _colour_orbits(pots, b, colmap, colperm, mark):
    """``rep[k]``: the smallest colour that a relabelling of colours keeping the potion
    counts and the belief set maps ``k`` to (the stabiliser of (pots, belief) is a group,
    so dipping ``k`` and ``rep[k]`` give the same values). A relabelling keeps the belief
    when it maps every world of it into it (it is one-to-one): ``mark`` (scratch, one per
    world, ``mark[-1]`` the last stamp used) flags the belief's worlds, and the test stops
    at the first world mapped outside, usually one of the first."""
    rep = np.arange(6)
    stamp = 0
    for g in range(1, colmap.shape[0]):
        if colperm[g, 0] < 0:
            continue
        ok = True
        for k in range(6):
            if pots[colmap[g, k]] != pots[k]:
                ok = False
                break
        if not ok:
            continue
        if stamp == 0:
            stamp = mark[-1] + 1
            mark[-1] = stamp
            for w in b:
                mark[w] = stamp
        for w in b:
            if mark[colperm[g, w]] != stamp:
                ok = False
                break
        if ok:
            for k in range(6):
                if colmap[g, k] < rep[k]:
                    rep[k] = colmap[g, k]
    return rep


# ----------------------------------------------------------------------------- the bound


def stone_options(trans: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What a lone stone can reach when the chemistry is known: for every graph ``g`` and
    latent stone ``c``, the Pareto-best ``(level, needs)`` pairs over the simple paths from
    ``c`` (a path that visits a stone twice needs a superset of the potions of the path
    without the loop): ``level`` the number of +1 coordinates at the path's end, ``needs``
    the latent potions it uses. Returns ``level[g, c, k]``, ``needs[g, c, k, 6]``,
    ``count[g, c]``."""
    n_g = trans.shape[0]
    found: dict = {}
    for g in range(n_g):
        for c in range(8):
            paths = []

            def walk(x, visited, needs):
                paths.append((bin(x).count("1"), tuple(needs)))
                for t in range(6):
                    y = int(trans[g, x, t])
                    if y != x and not visited >> y & 1:
                        needs[t] += 1
                        walk(y, visited | 1 << y, needs)
                        needs[t] -= 1

            walk(c, 1 << c, [0] * 6)
            best: list = []
            for level, needs in sorted(set(paths), key=lambda o: (-o[0], sum(o[1]))):
                if not any(l2 >= level and all(a <= b for a, b in zip(n2, needs)) for l2, n2 in best):
                    best.append((level, needs))
            found[g, c] = best
    k_max = max(len(v) for v in found.values())
    level = np.zeros((n_g, 8, k_max), np.int64)
    needs = np.zeros((n_g, 8, k_max, 6), np.int64)
    count = np.zeros((n_g, 8), np.int64)
    for (g, c), best in found.items():
        count[g, c] = len(best)
        for k, (lv, nd) in enumerate(best):
            level[g, c, k] = lv
            needs[g, c, k] = nd
    return level, needs, count


def stone_multisets() -> tuple[np.ndarray, np.ndarray]:
    """The 165 multisets of 3 latent stones (8: no stone), and ``index[(s0 * 9 + s1) * 9 + s2]``."""
    sets = sorted({tuple(sorted((a, b, c))) for a in range(9) for b in range(9) for c in range(9)})
    where = {m: i for i, m in enumerate(sets)}
    index = [where[tuple(sorted((a, b, c)))] for a in range(9) for b in range(9) for c in range(9)]
    return np.array(sets, np.int64), np.array(index, np.int64)


@njit(cache=True)
def _known_values(g, sets, level, needs, count, vals, out):
    """``out[m, idx]``: the most a trial pays in graph ``g`` (the chemistry known) with the
    stones of multiset ``m`` and the potions of count index ``idx`` (2 bits per latent
    potion, 3 meaning 3 or more). Every combination of one option per stone
    (:func:`stone_options`) is tried; the potions it needs are counted, then the best
    value is carried up to every larger count."""
    best = np.empty(4096)
    for m in range(sets.shape[0]):
        s0 = sets[m, 0]
        s1 = sets[m, 1]
        s2 = sets[m, 2]
        best[:] = 0.0
        n0 = count[g, s0] if s0 < 8 else 1
        n1 = count[g, s1] if s1 < 8 else 1
        n2 = count[g, s2] if s2 < 8 else 1
        for k0 in range(n0):
            for k1 in range(n1):
                for k2 in range(n2):
                    v = 0.0
                    idx = 0
                    for t in range(6):
                        r = 0
                        if s0 < 8:
                            r += needs[g, s0, k0, t]
                        if s1 < 8:
                            r += needs[g, s1, k1, t]
                        if s2 < 8:
                            r += needs[g, s2, k2, t]
                        idx += min(r, 3) << (2 * t)
                    if s0 < 8:
                        v += vals[level[g, s0, k0]]
                    if s1 < 8:
                        v += vals[level[g, s1, k1]]
                    if s2 < 8:
                        v += vals[level[g, s2, k2]]
                    if v > best[idx]:
                        best[idx] = v
        for t in range(6):
            sh = 2 * t
            for idx in range(4096):
                if (idx >> sh) & 3:
                    p = best[idx - (1 << sh)]
                    if p > best[idx]:
                        best[idx] = p
        for idx in range(4096):
            out[m, idx] = best[idx]


_BOUND_CACHE: dict = {}


def known_value_table(trans: np.ndarray, vals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The search's bound table, built on first use and kept for the process: ``table`` of
    the most a trial pays when the chemistry is known (:func:`_known_values`) by stone
    multiset, short potion count index and graph (flattened); ``index`` of
    :func:`stone_multisets`; ``n_graphs`` (an array of one); ``short[idx]``, the short
    index of a count index. int8 when every value is a small integer (the default
    reward: 9 MB for the 109 graphs), else float32. About two seconds for 109 graphs."""
    key = (trans.tobytes(), np.asarray(vals, np.float64).tobytes())
    hit = _BOUND_CACHE.get(key)
    if hit is not None:
        return hit
    from tqdm import tqdm

    level, needs, count = stone_options(trans)
    sets, index = stone_multisets()
    n_g = trans.shape[0]
    table = np.empty((len(sets), 4096, n_g), np.float32)
    out = np.empty((len(sets), 4096))
    for g in tqdm(range(n_g), desc="ideal observer: known-chemistry values", unit="graph", leave=False,
                  disable=None if n_g > 20 else True):
        _known_values(g, sets, level, needs, count, np.asarray(vals, np.float64), out)
        table[:, :, g] = out
    # Shorten the count index to stay in the processor's cache: the potions that lower a
    # latent coordinate are counted only as none or some (some: as many as wanted, which
    # still bounds the value from above); the raising ones as 0 to 3 or more.
    full = np.arange(4096)
    short = np.zeros(4096, np.int16)
    to_full = np.zeros(512, np.int64)
    for d in range(3):
        down = (full >> (4 * d)) & 3
        up = (full >> (4 * d + 2)) & 3
        short |= ((np.minimum(down, 1) << d) | (up << (3 + 2 * d))).astype(np.int16)
    for i in range(512):
        f = 0
        for d in range(3):
            f |= (3 if (i >> d) & 1 else 0) << (4 * d)
            f |= ((i >> (3 + 2 * d)) & 3) << (4 * d + 2)
        to_full[i] = f
    table = np.ascontiguousarray(table[:, to_full, :])
    if np.array_equal(table, np.rint(table)) and table.max() <= 127 and table.min() >= -128:
        table = table.astype(np.int8)
    hit = (table.ravel(), index, np.array([n_g], np.int64), short)
    _BOUND_CACHE[key] = hit
    return hit


@njit(cache=True, inline="always")
def _bound_row(l0, l1, l2, idx, n_g, msidx, short):
    """Where the known-chemistry values of latent stones (l0, l1, l2) and potion count
    index ``idx`` start in the flat ``table`` (one value per graph after it)."""
    return (msidx[(l0 * 9 + l1) * 9 + l2] * 512 + short[idx]) * n_g


@njit(cache=True, inline="always")
def _bound(l0, l1, l2, idx, g, n_g, table, msidx, short):
    return table[_bound_row(l0, l1, l2, idx, n_g, msidx, short) + g]


@njit(cache=True)
def belief_bound(codes, n, pots, b, prior, wpm, wrs, wg, latent, potlat, table, msidx, ngs, short):
    """The upper bound of a state: the belief's average of the most the trial pays when the
    chemistry is known (:func:`known_value_table`); knowing it never pays less."""
    total = 0.0
    acc = 0.0
    n_g = ngs[0]
    for w in b:
        rs = wrs[w]
        pm = wpm[w]
        l0 = latent[rs, codes[0] >> 2] if n > 0 else 8
        l1 = latent[rs, codes[1] >> 2] if n > 1 else 8
        l2 = latent[rs, codes[2] >> 2] if n > 2 else 8
        idx = 0
        for k in range(6):
            idx += min(pots[k], 3) << (2 * potlat[pm, k])  # one colour per latent potion
        total += prior[w]
        acc += prior[w] * _bound(l0, l1, l2, idx, wg[w], n_g, table, msidx, short)
    return acc / total


MAX_OUT = 32
MAX_DEPTH = 13


class Workspace:
    """Scratch arrays of the search, one layer per depth (the search is depth-first)."""

    def __init__(self, n_worlds: int):
        self.wi = np.zeros((MAX_DEPTH, 18, MAX_OUT, 4), np.int64)  # outcome code, count, hash 1, hash 2
        self.wf = np.zeros((MAX_DEPTH, 18, MAX_OUT, 2))  # outcome probability, upper bound
        self.wa = np.zeros((MAX_DEPTH, 18, 3), np.int64)  # dip: stone, colour, number of outcomes
        self.wau = np.zeros((MAX_DEPTH, 18))  # dip upper bound
        self.part = np.zeros((MAX_DEPTH, n_worlds), np.int64)  # the belief split by outcome
        # per run of the belief (consecutive worlds sharing a frame): [0] first and [1] end
        # position in the belief, [2] stone frame, [3:6] latent stones, [6] potion count
        # index, [8:14] latent potion of each colour ([7] unused)
        self.wl = np.zeros((MAX_DEPTH, n_worlds, 14), np.int64)
        self.wp = np.zeros((MAX_DEPTH, n_worlds))  # per world of the belief: prior
        self.start = np.zeros((MAX_DEPTH, N_CODES), np.int64)
        self.slot = np.full(N_CODES, -1, np.int64)
        self.codes = np.full((MAX_DEPTH + 1, 3), NO_STONE, np.int64)  # stones per depth (the last: scratch)
        self.mark = np.zeros(n_worlds + 1, np.int64)  # belief membership stamps (:func:`_colour_orbits`)

    def arrays(self) -> tuple:
        return self.wi, self.wf, self.wa, self.wau, self.part, self.wl, self.wp, self.start, self.slot, self.codes, self.mark


@njit(cache=True)
def search(codes, n, pots, b, h1, h2, ub, depth, horizon, alpha, prior, outcome, z1, z2, vals, colmap, colperm, wpm,
           wrs, wg, latent, potlat, table, msidx, ngs, short, mk, mv, mm, mc, stats, wi, wf, wa, wau, part, wl, wp, start, slot, wc, mark):
    """``(value, expected dips, move, bound)`` from a state: the expected trial reward
    under the best policy, the expected number of dips it still makes, and its first move
    (``8 * stone code + colour``, -1 for END); ``bound`` 0 when exact, 1 when the value is
    only an upper bound below ``alpha`` (the caller needs no more: a fail-low, as in
    alpha-beta search; the move is then meaningless).

    ``codes``: sorted stone codes (length 3, ``n`` used); ``pots``: int64 counts per colour;
    ``b``: world indices (non-empty) with hash ``(h1, h2)``; ``ub``: the state's upper
    bound (:func:`belief_bound`; negative: compute it); ``horizon``: the most dips to look
    ahead (-1: none, exact); the last arrays: a :class:`Workspace`."""
    dkey = depth if horizon >= 0 else 0
    k0 = _state_key(codes, n, pots, dkey)
    mi = _find(mk, k0, h1, h2)
    if mk[mi, 0] != -1:
        bound = mm[mi] & 1
        if bound == 0 or mv[mi, 0] < alpha:
            stats[1] += 1
            return (mv[mi, 0], mv[mi, 1], (mm[mi] >> 1) - 1, bound)
    stats[0] += 1
    end_v = _end_value(codes, n, vals)
    n_pots = 0
    for j in range(6):
        n_pots += pots[j]
    if n_pots == 0 or (horizon >= 0 and depth >= horizon):
        _store(mk, mv, mm, mc, mi, k0, h1, h2, end_v, 0.0, -1, 0)
        return (end_v, 0.0, -1, 0)
    if ub < 0:
        ub = belief_bound(codes, n, pots, b, prior, wpm, wrs, wg, latent, potlat, table, msidx, ngs, short)
    if end_v >= ub - EPS:
        _store(mk, mv, mm, mc, mi, k0, h1, h2, end_v, 0.0, -1, 0)
        return (end_v, 0.0, -1, 0)
    if ub < alpha:
        return (ub, 0.0, -1, 1)
    total = 0.0
    nb = b.shape[0]
    d = depth
    # The belief in runs of consecutive worlds sharing a frame (stone map and potion map):
    # their stones' latents, potion count index and latent potions are the same, and a dip
    # has at most two outcomes in a run (the stone left as it is, or its one move).
    n_runs = 0
    prev_rs = -1
    prev_pm = -1
    for q in range(nb):
        w = b[q]
        total += prior[w]
        wp[d, q] = prior[w]
        rs = wrs[w]
        pm = wpm[w]
        if rs != prev_rs or pm != prev_pm:
            if n_runs > 0:
                wl[d, n_runs - 1, 1] = q
            ru = n_runs
            n_runs += 1
            prev_rs = rs
            prev_pm = pm
            wl[d, ru, 0] = q
            wl[d, ru, 2] = rs
            for j in range(3):
                wl[d, ru, 3 + j] = latent[rs, codes[j] >> 2] if j < n else 8
            idx = 0
            for k in range(6):
                lt = potlat[pm, k]
                wl[d, ru, 8 + k] = lt
                idx += min(pots[k], 3) << (2 * lt)
            wl[d, ru, 6] = idx
    wl[d, n_runs - 1, 1] = nb
    rep = _colour_orbits(pots, b, colmap, colperm, mark)
    n_g = ngs[0]
    # every dip worth trying, with its outcomes
    n_act = 0
    for i in range(n):
        if i > 0 and codes[i] == codes[i - 1]:
            continue
        code = codes[i]
        pidx = code >> 2
        for colour in range(6):
            if pots[colour] == 0 or rep[colour] != colour:
                continue
            x = n_act
            ns = 0
            orow = outcome[pidx, colour]
            dec = 1 if pots[colour] <= 3 else 0
            for ru in range(n_runs):
                rs = wl[d, ru, 2]
                idx = wl[d, ru, 6] - (dec << (2 * wl[d, ru, 8 + colour]))
                oa = -1
                ob = -1
                sa = 0
                sb = 0
                ra = 0
                rb = 0
                for q in range(wl[d, ru, 0], wl[d, ru, 1]):
                    w = b[q]
                    o = orow[w]
                    if o == oa:
                        s = sa
                        row = ra
                    elif o == ob:
                        s = sb
                        row = rb
                    else:
                        s = slot[o]
                        if s < 0:
                            s = ns
                            slot[o] = s
                            wi[d, x, s, 0] = o
                            wi[d, x, s, 1] = 0
                            wi[d, x, s, 2] = 0
                            wi[d, x, s, 3] = 0
                            wf[d, x, s, 0] = 0.0
                            wf[d, x, s, 1] = 0.0
                            ns += 1
                        l0 = wl[d, ru, 3]
                        l1 = wl[d, ru, 4]
                        l2 = wl[d, ru, 5]
                        if i == 0:
                            l0 = latent[rs, o >> 2]
                        elif i == 1:
                            l1 = latent[rs, o >> 2]
                        else:
                            l2 = latent[rs, o >> 2]
                        row = _bound_row(l0, l1, l2, idx, n_g, msidx, short)
                        if oa < 0:
                            oa = o
                            sa = s
                            ra = row
                        elif ob < 0:
                            ob = o
                            sb = s
                            rb = row
                    pw = wp[d, q]
                    wi[d, x, s, 1] += 1
                    wi[d, x, s, 2] ^= z1[w]
                    wi[d, x, s, 3] ^= z2[w]
                    wf[d, x, s, 0] += pw
                    wf[d, x, s, 1] += pw * table[row + wg[w]]
            for s in range(ns):
                slot[wi[d, x, s, 0]] = -1
            if ns == 1 and wi[d, x, 0, 0] == code:
                continue  # known to leave the stone as it is: a wasted potion
            au = 0.0
            for s in range(ns):
                au += wf[d, x, s, 1]
                wf[d, x, s, 1] /= wf[d, x, s, 0]
                wf[d, x, s, 0] /= total
            wau[d, x] = au / total
            # outcomes, most probable first
            for s in range(ns):
                for t in range(s + 1, ns):
                    if wf[d, x, t, 0] * wf[d, x, t, 1] > wf[d, x, s, 0] * wf[d, x, s, 1]:
                        for c in range(4):
                            tmp = wi[d, x, s, c]
                            wi[d, x, s, c] = wi[d, x, t, c]
                            wi[d, x, t, c] = tmp
                        for c in range(2):
                            tmpf = wf[d, x, s, c]
                            wf[d, x, s, c] = wf[d, x, t, c]
                            wf[d, x, t, c] = tmpf
            wa[d, x, 0] = i
            wa[d, x, 1] = colour
            wa[d, x, 2] = ns
            n_act += 1
    # the most promising dips first (a stable sort: equal bounds keep stone, colour order)
    order = np.arange(n_act)
    for s in range(1, n_act):
        t = s
        while t > 0 and wau[d, order[t]] > wau[d, order[t - 1]]:
            tmp = order[t]
            order[t] = order[t - 1]
            order[t - 1] = tmp
            t -= 1
    best_v = end_v
    best_a = 0.0
    best_m = -1
    best_x = -1
    cut_ub = -1e300  # the largest upper bound of a dip cut short
    for xi in range(n_act):
        x = order[xi]
        thr = best_v if best_v > alpha else alpha
        if wau[d, x] < thr - 2 * EPS:
            if wau[d, x] > cut_ub:
                cut_ub = wau[d, x]
            break  # this dip and every later one (sorted by bound) fall short
        i = wa[d, x, 0]
        colour = wa[d, x, 1]
        ns = wa[d, x, 2]
        code = codes[i]
        pidx = code >> 2
        pots[colour] -= 1
        rest = wau[d, x]
        if n_pots >= 2:
            # outcomes searched before bound the rest more tightly
            rest = 0.0
            for s in range(ns):
                _sorted_into(wc[d + 1], codes, n, i, wi[d, x, s, 0])
                ci = _find(mk, _state_key(wc[d + 1], n, pots, dkey + 1 if horizon >= 0 else 0), wi[d, x, s, 2],
                           wi[d, x, s, 3])
                if mk[ci, 0] != -1 and mv[ci, 0] < wf[d, x, s, 1]:
                    wf[d, x, s, 1] = mv[ci, 0]
                rest += wf[d, x, s, 0] * wf[d, x, s, 1]
        ev = 0.0
        ea = 1.0
        partitioned = False
        pruned = False
        for s in range(ns):
            if ev + rest < thr - 2 * EPS:
                pruned = True
                break
            o = wi[d, x, s, 0]
            p = wf[d, x, s, 0]
            rest -= p * wf[d, x, s, 1]
            child = wc[d + 1]
            _sorted_into(child, codes, n, i, o)
            if n_pots == 1:
                ev += p * _end_value(child, n, vals)
                continue
            c0 = _state_key(child, n, pots, dkey + 1 if horizon >= 0 else 0)
            ch1 = wi[d, x, s, 2]
            ch2 = wi[d, x, s, 3]
            c_alpha = (thr - 2 * EPS - ev - rest) / p
            hit = False
            ci = _find(mk, c0, ch1, ch2)
            if mk[ci, 0] != -1:
                cb = mm[ci] & 1
                if cb == 0 or mv[ci, 0] < c_alpha:
                    stats[1] += 1
                    hit = True
                    r = (mv[ci, 0], mv[ci, 1], (mm[ci] >> 1) - 1, cb)
            if not hit:
                if not partitioned:
                    pos = 0
                    for q in range(ns):
                        oq = wi[d, x, q, 0]
                        start[d, oq] = pos
                        slot[oq] = pos
                        pos += wi[d, x, q, 1]
                    for w in b:
                        oo = outcome[pidx, colour, w]
                        part[d, slot[oo]] = w
                        slot[oo] += 1
                    for q in range(ns):
                        slot[wi[d, x, q, 0]] = -1
                    partitioned = True
                sub = part[d, start[d, o]:start[d, o] + wi[d, x, s, 1]]
                r = search(child, n, pots, sub, wi[d, x, s, 2], wi[d, x, s, 3], wf[d, x, s, 1], depth + 1, horizon,
                           c_alpha, prior, outcome, z1, z2, vals, colmap, colperm, wpm, wrs, wg, latent, potlat, table,
                           msidx, ngs, short, mk, mv, mm, mc, stats, wi, wf, wa, wau, part, wl, wp, start, slot, wc, mark)
            ev += p * r[0]
            ea += p * r[1]
            if r[3] != 0:
                pruned = True
                break
        pots[colour] += 1
        if pruned:
            if ev + rest > cut_ub:
                cut_ub = ev + rest
        elif ev > best_v + EPS or (ev >= best_v - EPS and (ea < best_a - EPS or (ea <= best_a + EPS and x < best_x))):
            best_v = ev
            best_a = ea
            best_m = code * 8 + colour
            best_x = x
    if best_v < alpha and cut_ub > -1e299:
        # some dips were only bounded: the value is below alpha, and at most this
        r = (max(best_v, cut_ub), best_a, best_m, 1)
    else:
        r = (best_v, best_a, best_m, 0)
    _store(mk, mv, mm, mc, _find(mk, k0, h1, h2), k0, h1, h2, r[0], r[1], r[2], r[3])
    return r


def colour_symmetries(W) -> tuple[np.ndarray, np.ndarray]:
    """The 48 relabellings of colours that keep the pairs (permute the pairs, swap the two
    colours of any pair): ``colmap[g, k]`` the new colour of ``k``; ``colperm[g, w]`` the
    world whose colour ``colmap[g, k]`` acts as colour ``k`` acts in world ``w`` (row set
    to -1 where that world is not in the level). Element 0 is the identity."""
    import itertools

    elems = [(perm, flips) for perm in itertools.permutations(range(3)) for flips in itertools.product((0, 1), repeat=3)]
    colmap = np.array([[2 * perm[k // 2] + ((k % 2) ^ flips[k // 2]) for k in range(6)] for perm, flips in elems], np.int64)
    pm_of_latents = {tuple(W.potlat[k]): k for k in range(48)}
    lookup = np.full((4, 48, 8, int(W.g.max()) + 1), -1, np.int64)
    lookup[W.rot, W.pm, W.sm, W.g] = np.arange(len(W.prior))
    colperm = np.full((len(elems), len(W.prior)), -1, np.int32)
    for g in range(len(elems)):
        # the new potion map: colour colmap[g, c] has the latent potion colour c had
        new_pm = np.empty(48, np.int64)
        for k in range(48):
            lat = [0] * 6
            for c in range(6):
                lat[colmap[g, c]] = W.potlat[k, c]
            new_pm[k] = pm_of_latents[tuple(lat)]
        row = lookup[W.rot, new_pm[W.pm], W.sm, W.g]
        if (row >= 0).all():
            colperm[g] = row
    return colmap, colperm


def outcome_table(W) -> np.ndarray:
    """``outcome[p, colour, w]``: the code (4 * perceived index + reward index) of perceived
    stone ``p`` after a dip into ``colour`` in world ``w``, or -1 where ``p`` is impossible."""
    n = len(W.prior)
    out = np.full((27, 6, n), -1, np.int8)
    for p in range(27):
        c = W.latent[W.rs, p]
        ok = c >= 0
        cc = np.maximum(c, 0)
        for colour in range(6):
            new = W.trans[W.g, cc, W.potlat[W.pm, colour]]
            code = W.percv[W.rs, new] * 4 + (W.csum[new] + 3) // 2
            out[p, colour] = np.where(ok, code, -1)
    return out
