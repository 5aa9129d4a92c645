"""The latent structure of symbolic Alchemy: stones, potions, maps, graphs, rotations, levels.

Everything here follows ``/work/shared/specs/alchemy.md`` sections 2 and 3 (written from
the spec, not from the original's code). Conventions:

* a latent stone is a cube vertex ``c`` in {-1, +1}^3, indexed ``b0 + 2 b1 + 4 b2`` with
  ``bi = (ci + 1) / 2`` (coordinate 0 is the least significant bit);
* a latent potion is ``(d, s)``, indexed ``2 d + (s + 1) / 2``; a potion colour is
  ``(q, t)``, indexed ``2 q + (t + 1) / 2``;
* a potion map is ``(dim_map, dir_map)``, indexed ``8 P + D`` (``P`` the position of
  ``dim_map`` in lexicographic permutation order, ``D`` the cube index of ``dir_map``);
* a stone map is a sign vector ``pos_dir``, indexed by its cube index;
* a graph is a 12-bit mask over the cube edges in lexicographic ``(i < j)`` order;
* a rotation is an index 0-3 into :data:`ROTATIONS`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# ----------------------------------------------------------------------------- cube


def coords(index: int) -> tuple[int, int, int]:
    """Cube index -> coordinates in {-1, +1}^3."""
    return tuple(2 * ((index >> i) & 1) - 1 for i in range(3))


def index_of(c) -> int:
    """Coordinates in {-1, +1}^3 -> cube index."""
    return sum(((int(v) + 1) // 2) << i for i, v in enumerate(c))


#: Coordinates of every cube index.
COORDS: tuple[tuple[int, int, int], ...] = tuple(coords(i) for i in range(8))

#: The 12 cube edges ``(i, j)``, ``i < j``, in lexicographic order (spec 2.5).
EDGES: tuple[tuple[int, int], ...] = tuple(
    (i, j) for i in range(8) for j in range(i + 1, 8) if bin(i ^ j).count("1") == 1
)
#: ``EDGE_INDEX[node][axis]``: the edge between ``node`` and ``node`` with ``axis`` flipped.
EDGE_INDEX: tuple[tuple[int, ...], ...] = tuple(
    tuple(EDGES.index(tuple(sorted((n, n ^ (1 << a))))) for a in range(3)) for n in range(8)
)
#: ``EDGE_AXIS[e]``: the axis edge ``e`` runs along.
EDGE_AXIS: tuple[int, ...] = tuple((i ^ j).bit_length() - 1 for i, j in EDGES)

# ----------------------------------------------------------------------------- rotations

#: ``R`` for each rotation index: aligned ``a = R p`` (spec 2.3).
ROTATIONS: tuple[np.ndarray, ...] = (
    np.eye(3, dtype=int),
    np.array([[1, 1, 0], [-1, 1, 0], [0, 0, 1]]),
    np.array([[1, 0, -1], [0, 1, 0], [1, 0, 1]]),
    np.array([[1, 0, 0], [0, 1, 1], [0, -1, 1]]),
)


def perceive(aligned, rotation: int) -> tuple[int, int, int]:
    """Perceived coordinates ``p = R^-1 a`` of aligned coordinates ``a`` under ``rotation``."""
    a0, a1, a2 = aligned
    if rotation == 0:
        return (a0, a1, a2)
    if rotation == 1:
        return ((a0 - a1) // 2, (a0 + a1) // 2, a2)
    if rotation == 2:
        return ((a0 + a2) // 2, a1, (a2 - a0) // 2)
    if rotation == 3:
        return (a0, (a1 - a2) // 2, (a1 + a2) // 2)
    raise ValueError(f"rotation must be 0 to 3, got {rotation!r}")


def align(perceived, rotation: int) -> tuple[int, int, int] | None:
    """Aligned coordinates ``R p`` of perceived ``p``, or None if ``R p`` is not in {-1, +1}^3."""
    r = ROTATIONS[rotation]
    a = tuple(int(r[i, 0] * perceived[0] + r[i, 1] * perceived[1] + r[i, 2] * perceived[2]) for i in range(3))
    return a if all(v in (-1, 1) for v in a) else None


# ----------------------------------------------------------------------------- potion maps

#: The 6 dim maps in lexicographic permutation order.
DIM_MAPS: tuple[tuple[int, int, int], ...] = tuple(itertools.permutations(range(3)))


@dataclass(frozen=True)
class PotionMap:
    dim_map: tuple[int, int, int]
    dir_map: tuple[int, int, int]

    @property
    def index(self) -> int:
        return 8 * DIM_MAPS.index(self.dim_map) + index_of(self.dir_map)

    @staticmethod
    def from_index(k: int) -> "PotionMap":
        return PotionMap(DIM_MAPS[k // 8], coords(k % 8))

    def colour_of(self, d: int, s: int) -> int:
        """Latent potion (d, s) -> colour index."""
        q = self.dim_map.index(d)
        t = s * self.dir_map[d]
        return 2 * q + (t + 1) // 2

    def latent_of(self, colour: int) -> tuple[int, int]:
        """Colour index -> latent potion (d, s)."""
        q, t = colour // 2, 2 * (colour % 2) - 1
        d = self.dim_map[q]
        return d, t * self.dir_map[d]


# ----------------------------------------------------------------------------- graphs

_ANY = None
#: Symbol pairs in the enumeration order of spec 2.5 (None is ``*``).
PAIRS = ((-1, -1), (-1, 1), (-1, _ANY), (1, -1), (1, 1), (1, _ANY), (_ANY, -1), (_ANY, 1), (_ANY, _ANY))


def constraint_mask(constraint) -> int:
    """Edge mask of a constraint triple ``(x_pair, y_pair, z_pair)``; each pair constrains
    the two other axes in increasing axis order."""
    mask = 0
    for e, (i, j) in enumerate(EDGES):
        axis = EDGE_AXIS[e]
        others = [o for o in range(3) if o != axis]
        c = COORDS[i]
        if all(sym is _ANY or c[o] == sym for o, sym in zip(others, constraint[axis])):
            mask |= 1 << e
    return mask


def _valid(mask: int) -> bool:
    adj = [[] for _ in range(8)]
    for e, (i, j) in enumerate(EDGES):
        if mask >> e & 1:
            adj[i].append(j)
            adj[j].append(i)
    if any(not a for a in adj):
        return False
    seen, todo = {0}, [0]
    while todo:
        for m in adj[todo.pop()]:
            if m not in seen:
                seen.add(m)
                todo.append(m)
    return len(seen) == 8


@lru_cache(maxsize=None)
def all_graphs() -> tuple[tuple[int, int], ...]:
    """The 109 valid graphs in enumeration order, as ``(edge_mask, n_constraints)``."""
    out = []
    for cx in PAIRS:
        for cy in PAIRS:
            for cz in PAIRS:
                mask = constraint_mask((cx, cy, cz))
                if _valid(mask):
                    n = sum(sym is not _ANY for pair in (cx, cy, cz) for sym in pair)
                    out.append((mask, n))
    return tuple(out)


GRAPH_MASKS: tuple[int, ...] = tuple(m for m, _ in all_graphs())
FULL_CUBE = (1 << 12) - 1
NAMED_GRAPHS = {
    "no_bottleneck": FULL_CUBE,
    "bottleneck1": constraint_mask(((-1, 1), (_ANY, _ANY), (_ANY, _ANY))),
    "bottleneck2": constraint_mask(((-1, _ANY), (_ANY, _ANY), (_ANY, _ANY))),
    "bottleneck3": constraint_mask(((-1, 1), (_ANY, _ANY), (_ANY, -1))),
}


def graph_prior(graph_indices) -> np.ndarray:
    """The prior of spec 2.5 over the given graph indices (float64): each graph gets
    ``1 / (number of constraint-count groups * size of its group)``."""
    counts = [all_graphs()[g][1] for g in graph_indices]
    groups = {n: counts.count(n) for n in set(counts)}
    return np.array([1.0 / (len(groups) * groups[n]) for n in counts])


# ----------------------------------------------------------------------------- reward


@dataclass(frozen=True)
class RewardWeights:
    coefficients: tuple[float, float, float] = (1.0, 1.0, 1.0)
    offset: float = 0.0
    bonus: float = 12.0

    def value(self, c) -> float:
        v = sum(w * x for w, x in zip(self.coefficients, c)) + self.offset
        return v + (self.bonus if all(x == 1 for x in c) else 0.0)


# ----------------------------------------------------------------------------- chemistry


@dataclass(frozen=True)
class Chemistry:
    """A chemistry (spec 2.6): potion map, stone map, graph, rotation (indices)."""

    potion_map: int
    stone_map: int
    graph: int  # edge mask
    rotation: int

    @property
    def pmap(self) -> PotionMap:
        return PotionMap.from_index(self.potion_map)

    @property
    def pos_dir(self) -> tuple[int, int, int]:
        return COORDS[self.stone_map]

    def transition(self, stone: int, potion: int) -> int:
        """Latent stone index after a dip into latent potion index ``potion``."""
        d, s = potion // 2, 2 * (potion % 2) - 1
        if COORDS[stone][d] == -s and self.graph >> EDGE_INDEX[stone][d] & 1:
            return stone ^ (1 << d)
        return stone

    def perceived_stone(self, stone: int) -> tuple[int, int, int]:
        c = COORDS[stone]
        a = tuple(x * m for x, m in zip(c, self.pos_dir))
        return perceive(a, self.rotation)

    def potion_colour(self, potion: int) -> int:
        return self.pmap.colour_of(potion // 2, 2 * (potion % 2) - 1)

    def ground_truth(self) -> dict[str, np.ndarray]:
        """The ground-truth chemistry observation's elements (spec 7.2)."""
        pm = self.pmap
        dim = np.zeros(6, np.float32)
        dim[DIM_MAPS.index(pm.dim_map)] = 1.0
        rot = np.zeros(4, np.float32)
        rot[self.rotation] = 1.0
        return {
            "graph": np.array([self.graph >> e & 1 for e in range(12)], np.float32),
            "potion_map": np.concatenate([dim, (np.array(pm.dir_map, np.float32) + 1) / 2]),
            "stone_map": (np.array(self.pos_dir, np.float32) + 1) / 2,
            "rotation": rot,
        }


# ----------------------------------------------------------------------------- levels

#: Named levels (spec 3): registered as ``Alchemy-<level>-v0``.
LEVELS: tuple[str, ...] = (
    "perceptual_mapping_randomized_with_rotation_and_random_bottleneck",  # the standard level
    "perceptual_mapping_randomized_with_random_bottleneck",  # no rotation: the evaluation level
    "perceptual_mapping_randomized",
    "all_fixed",
    "all_fixed_w_shaping",
    "all_fixed_bottleneck1",
    "all_fixed_bottleneck2",
    "all_fixed_bottleneck3",
    "perceptual_mapping_randomized_with_rotation_and_bottleneck3",
)
STANDARD_LEVEL = LEVELS[0]
EVALUATION_LEVEL = LEVELS[1]


@dataclass(frozen=True)
class Level:
    """What a level name randomizes (spec 3: substring tests on the name)."""

    name: str
    random_maps: bool
    graph_indices: tuple[int, ...]
    graph_probs: np.ndarray  # float32, as the original passes to RandomState.choice
    rotation: bool

    @property
    def potion_maps(self) -> tuple[int, ...]:
        return tuple(range(48)) if self.random_maps else (PotionMap((0, 1, 2), (1, 1, 1)).index,)

    @property
    def stone_maps(self) -> tuple[int, ...]:
        return tuple(range(8)) if self.random_maps else (7,)

    @property
    def rotations(self) -> tuple[int, ...]:
        return (0, 1, 2, 3) if self.rotation else (0,)


@lru_cache(maxsize=None)
def parse_level(name: str) -> Level:
    """The level of a name; a leading ``alchemy/`` is dropped."""
    if not isinstance(name, str):
        raise ValueError(f"level must be a level name (str), got {name!r}")
    short = name[len("alchemy/"):] if name.startswith("alchemy/") else name
    random_maps = "perceptual_mapping_randomized" in short
    if "random_bottleneck" in short:
        graphs = tuple(range(len(GRAPH_MASKS)))
    else:
        named = next((g for g in ("bottleneck1", "bottleneck2", "bottleneck3") if g in short), "no_bottleneck")
        graphs = (GRAPH_MASKS.index(NAMED_GRAPHS[named]),)
    probs = graph_prior(graphs).astype(np.float32)
    return Level(short, random_maps, graphs, probs, "rotation" in short)


def sample_chemistry(level: Level, rng: np.random.RandomState) -> Chemistry:
    """Draws a chemistry in the original's order (spec 8)."""
    if level.random_maps:
        potion_map = int(rng.randint(0, 48))
        stone_map = int(rng.randint(0, 8))
    else:
        potion_map, stone_map = level.potion_maps[0], level.stone_maps[0]
    g = int(rng.choice(len(level.graph_indices), p=level.graph_probs))
    rotation = int(rng.choice(4)) if level.rotation else 0
    return Chemistry(potion_map, stone_map, GRAPH_MASKS[level.graph_indices[g]], rotation)
