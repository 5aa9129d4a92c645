"""The belief-state chemistry observation: the partial-knowledge rules of spec 7.4.

This is not the marginal of the exact posterior (that is :mod:`.ideal` 's job); it is
the record the original's ideal-observer belief keeps and reports, with its quirks:
the graph is reported in the aligned frame of the belief, a dim map fixed by the
evidence shows 0.5 while a direction is unresolved, and nothing is reported (all 0.5)
while the rotation is not known.
"""

from __future__ import annotations

import numpy as np

from memory_bench.envs.alchemy.chemistry import (
    COORDS,
    DIM_MAPS,
    EDGE_INDEX,
    GRAPH_MASKS,
    Level,
    PotionMap,
    align,
    index_of,
)

_POTION_MAPS = [PotionMap.from_index(k) for k in range(48)]
UNKNOWN = None


def _sign(x: int) -> int:
    return (x > 0) - (x < 0)


class BeliefState:
    """Partial knowledge about the chemistry, updated from what the agent sees.

    ``new_trial(perceived_stones, reward_sums)`` at every trial start (trial 0 included);
    ``potion_used(p0, r0, p1, r1, colour)`` after every dip of an existing stone into an
    existing potion; ``observation()`` gives the four elements of spec 7.2.
    """

    def __init__(self, level: Level | None = None):
        rotations = level.rotations if level is not None else (0, 1, 2, 3)
        self.graph_masks = [GRAPH_MASKS[g] for g in level.graph_indices] if level is not None else list(GRAPH_MASKS)
        # Rotation bookkeeping: possible rotations (index order) and their possible stone maps.
        self.rot_maps: dict[int, set[int]] = {r: set(range(8)) for r in rotations}
        self.frame: int = min(self.rot_maps)
        self.ref_stone: tuple[int, int, int] | None = None
        # Knowledge records, in the aligned frame of ``self.frame``.
        self.S: set[int] = set(level.stone_maps if level is not None else range(8))
        self.stone_map: list[int | None] = [UNKNOWN] * 3
        self.Q: set[int] = set(level.potion_maps if level is not None else range(48))
        self.dim: list[int | None] = [UNKNOWN] * 3  # per colour pair q: latent axis
        self.dir: list[int | None] = [UNKNOWN] * 3  # per latent axis
        self.graph: list[int | None] = [UNKNOWN] * 12  # 1 present, 0 absent, None unknown

    # ------------------------------------------------------------------ rotation

    def _see_stones(self, batch: list[tuple[tuple[int, int, int], int]]) -> None:
        """Rotation bookkeeping for a batch of perceived stones with their reward sums."""
        for p, r in batch:
            for rot in list(self.rot_maps):
                a = align(p, rot)
                if a is None:
                    del self.rot_maps[rot]
                    continue
                maps = {m for m in self.rot_maps[rot] if sum(x * y for x, y in zip(a, COORDS[m])) == r}
                if maps:
                    self.rot_maps[rot] = maps
                else:
                    del self.rot_maps[rot]
        if not self.rot_maps:
            return
        first = min(self.rot_maps)
        if self.ref_stone is None:
            self.frame, self.ref_stone = first, batch[0][0]
        elif first != self.frame:
            old = align(self.ref_stone, self.frame)
            new = align(self.ref_stone, first)
            if old is not None and new is not None:
                flip = tuple(x * y for x, y in zip(old, new))
                self.S = {index_of(tuple(f * c for f, c in zip(flip, COORDS[m]))) for m in self.S}
                if all(v is not UNKNOWN for v in self.stone_map):
                    self.stone_map = [f * v for f, v in zip(flip, self.stone_map)]
            self.frame, self.ref_stone = first, batch[0][0]

    @property
    def rotation_known(self) -> bool:
        return len(self.rot_maps) == 1

    # ------------------------------------------------------------------ updates

    def new_trial(self, perceived, reward_sums) -> None:
        batch = []
        for p, r in zip(perceived, reward_sums):
            item = (tuple(int(v) for v in p), int(r))
            if item not in batch:
                batch.append(item)
        if not batch:
            return
        self._see_stones(batch)
        for p, r in batch:
            a = align(p, self.frame)
            if a is None:
                continue
            self.S = {m for m in self.S if sum(x * y for x, y in zip(a, COORDS[m])) == r}
        for axis in range(3):
            values = {COORDS[m][axis] for m in self.S}
            self.stone_map[axis] = values.pop() if len(values) == 1 else UNKNOWN

    def potion_used(self, p0, r0: int, p1, r1: int, colour: int) -> None:
        p0, p1 = tuple(int(v) for v in p0), tuple(int(v) for v in p1)
        self._see_stones([(p1, int(r1))])
        a0, a1 = align(p0, self.frame), align(p1, self.frame)
        if a0 is None or a1 is None:
            return
        q, t = colour // 2, 2 * (colour % 2) - 1
        if p0 != p1:
            delta = int(r1) - int(r0)
            changed = [i for i in range(3) if a0[i] != a1[i]]
            if abs(delta) != 2 or len(changed) != 1:
                return
            x = changed[0]
            sd = _sign(delta)
            self.dim[q] = x
            unknown = [i for i in range(3) if self.dim[i] is UNKNOWN]
            if len(unknown) == 1:
                remaining = set(range(3)) - {v for v in self.dim if v is not UNKNOWN}
                if len(remaining) == 1:
                    self.dim[unknown[0]] = remaining.pop()
            self.dir[x] = 1 if t == sd else -1
            self.Q = {k for k in self.Q if _POTION_MAPS[k].dim_map[q] == x and _POTION_MAPS[k].dir_map[x] == self.dir[x]}
            m = 1 if _sign(a1[x] - a0[x]) == sd else -1
            self.stone_map[x] = m
            self.S = {s for s in self.S if COORDS[s][x] == m}
            self.graph[EDGE_INDEX[index_of(a0)][x]] = 1
            self._close_graph()
        else:
            x = self.dim[q]
            if x is UNKNOWN or self.dir[x] is UNKNOWN or self.stone_map[x] is UNKNOWN:
                return
            sigma = (t * self.dir[x]) * self.stone_map[x]
            if a0[x] != sigma:
                self.graph[EDGE_INDEX[index_of(a0)][x]] = 0
                self._close_graph()

    def _close_graph(self) -> None:
        present = [e for e in range(12) if self.graph[e] == 1]
        absent = [e for e in range(12) if self.graph[e] == 0]
        matching = [g for g in self.graph_masks if all(g >> e & 1 for e in present) and not any(g >> e & 1 for e in absent)]
        if not matching:
            self.graph = [UNKNOWN] * 12
            return
        for e in range(12):
            bits = {g >> e & 1 for g in matching}
            self.graph[e] = bits.pop() if len(bits) == 1 else UNKNOWN

    # ------------------------------------------------------------------ observation

    def observation(self) -> dict[str, np.ndarray]:
        if not self.rotation_known:
            return {
                "graph": np.full(12, 0.5, np.float32),
                "potion_map": np.full(9, 0.5, np.float32),
                "stone_map": np.full(3, 0.5, np.float32),
                "rotation": np.full(4, 0.5, np.float32),
            }
        graph = np.array([0.5 if v is UNKNOWN else float(v) for v in self.graph], np.float32)
        dims = {_POTION_MAPS[k].dim_map for k in self.Q}
        one = len(self.Q) == 1
        dim_vec = [0.0 if d not in dims else (1.0 if one else 0.5) for d in DIM_MAPS]
        dir_vec = [0.5 if v is UNKNOWN else (v + 1) / 2 for v in self.dir]
        stone = np.array([0.5 if v is UNKNOWN else (v + 1) / 2 for v in self.stone_map], np.float32)
        rot = np.zeros(4, np.float32)
        rot[next(iter(self.rot_maps))] = 1.0
        return {
            "graph": graph,
            "potion_map": np.array(dim_vec + dir_vec, np.float32),
            "stone_map": stone,
            "rotation": rot,
        }
