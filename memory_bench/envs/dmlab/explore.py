"""DMLab-30's explore levels and the Memory Task Suite's explore_goal_locations.

Every level is a random labmaze text maze (DMLab's own generator, with the explore
factory's settings: no extra connections, one texture variation), drawn once per
episode, with its theme and posters; the agent spawns on a spawn mark with a random
view direction. What each level adds:

=======================  =============================================================
level                    rules (reward; what a map restart changes)
=======================  =============================================================
goal_locations           one goal (+10) on one of the goal marks, fixed for the
                         episode; taking it restarts the map: new spawn among the spawn
                         marks reachable from the goal, same layout and goal
object_locations         apples (+1) on half of the object marks, fixed for the
                         episode; when every apple is taken the map restarts: same
                         apples, new spawn
obstructed_goals         as goal_locations in a maze with doors: at every restart all
                         doors close, those along one random spawn-to-goal path open, and
                         then half of those still closed (rounded down) at random
object_rewards           one 11 x 11 room; 4 (few) or 8 (many) object categories, half
                         good (+2), half bad (-1), drawn per episode; at every restart
                         one object of each category on half of the 8 / 16 marks, new
                         spawn; the map restarts when every good object is taken
=======================  =============================================================

Episode lengths: 90 s (1350 steps of 4 frames) for the small levels and ``few``, 120 s
(1800 steps) for the large ones, ``many`` and every Memory Task Suite level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.arena import CATEGORY_COLORS, CATEGORY_SHAPES
from memory_bench.envs.dmlab.base import DMLabEnv

_MAX_MAZE_TRIES = 100


@dataclass(frozen=True)
class ExploreLevel:
    """One explore level's parameters."""

    kind: str  # goal_locations, object_locations, obstructed_goals, object_rewards
    maze: tm.MazeParams
    episode_seconds: float
    goal_rows: tuple[int, int] | None = None  # Memory Task Suite: goal marks only in these rows (1-based, inclusive)
    categories: int = 0  # object_rewards


def _explore_maze(size: int, max_rooms: int, room_max: int, objects: int, spawns: int = 5, room_min: int = 3,
                  doors: bool = False) -> tm.MazeParams:
    return tm.MazeParams(
        height=size, width=size, max_rooms=max_rooms, room_min_size=room_min, room_max_size=room_max,
        spawns_per_room=spawns, objects_per_room=objects, max_variations=1, has_doors=doors,
        extra_connection_probability=0.0,
    )


_SMALL = dict(size=11, max_rooms=4, room_max=5)
_LARGE = dict(size=17, max_rooms=9, room_max=3)

#: DMLab-30's explore levels (section 1.25-1.32 of the spec).
DMLAB30_EXPLORE: dict[str, ExploreLevel] = {
    "explore_goal_locations_small": ExploreLevel("goal_locations", _explore_maze(**_SMALL, objects=4), 90.0),
    "explore_goal_locations_large": ExploreLevel("goal_locations", _explore_maze(**_LARGE, objects=5), 120.0),
    "explore_object_locations_small": ExploreLevel("object_locations", _explore_maze(**_SMALL, objects=4), 90.0),
    "explore_object_locations_large": ExploreLevel("object_locations", _explore_maze(**_LARGE, objects=4), 120.0),
    "explore_obstructed_goals_small": ExploreLevel("obstructed_goals", _explore_maze(**_SMALL, objects=4, doors=True), 90.0),
    "explore_obstructed_goals_large": ExploreLevel("obstructed_goals", _explore_maze(**_LARGE, objects=5, doors=True), 120.0),
    "explore_object_rewards_few": ExploreLevel(
        "object_rewards", _explore_maze(13, 1, 11, objects=8, room_min=11), 90.0, categories=4),
    "explore_object_rewards_many": ExploreLevel(
        "object_rewards", _explore_maze(13, 1, 11, objects=16, room_min=11), 120.0, categories=8),
}

# Memory Task Suite explore_goal_locations (section 2.13): (size, max rooms, max room
# size, goal marks per room, goal rows).
_SUITE = {
    "train_small": (11, 9, 3, 5, (2, 5)),
    "train_large": (21, 13, 7, 15, (2, 10)),
    "holdout_interpolate": (15, 11, 5, 10, (9, 14)),
    "holdout_extrapolate": (27, 15, 9, 20, (15, 26)),
    "interpolate": (15, 11, 5, 10, (2, 7)),
    "extrapolate": (27, 15, 9, 20, (2, 13)),
    "holdout_small": (11, 9, 3, 5, (7, 10)),
    "holdout_large": (21, 13, 7, 15, (12, 20)),
}
MEMORY_SUITE_EXPLORE: dict[str, ExploreLevel] = {
    f"explore_goal_locations_{split}": ExploreLevel(
        "goal_locations", _explore_maze(size, rooms, room_max, objects=goals), 120.0, goal_rows=rows)
    for split, (size, rooms, room_max, goals, rows) in _SUITE.items()
}

GOAL_REWARD = 10.0
APPLE_REWARD = 1.0
GOOD_REWARD = 2.0
BAD_REWARD = -1.0


def _n_items(level: ExploreLevel) -> int:
    p = level.maze
    if level.kind == "object_locations":
        return (p.max_rooms * p.objects_per_room + 1) // 2
    if level.kind == "object_rewards":
        return level.categories
    return 1


class ExploreEnv(DMLabEnv):
    """DMLab's explore levels (``DMLab-explore_*-v0``, ``MemoryTasks-explore_goal_locations_*-v0``).

    ## Description
    A first-person agent in a random labmaze maze of rooms and corridors, under an open
    sky, finds pickups and, after each map restart, finds them again faster: the levels
    test episodic memory of where things are (goal_locations, object_locations), of
    where the goal is when doors change (obstructed_goals), and of which objects are
    good (object_rewards). The table in :mod:`memory_bench.envs.dmlab.explore` gives each
    level's rules; the Memory Task Suite's splits move the goal's row band (train: the
    upper part of the maze, holdout: the lower part) and the maze size.

    ## Action Space, Observation Space, Episode End
    As every DMLab-style level (:class:`~memory_bench.envs.dmlab.base.DMLabEnv`):
    ``Discrete(9)`` IMPALA actions, a 72 x 96 RGB view, episodes of 90 s or 120 s
    (1350 or 1800 steps of 4 frames), truncated at the end.

    ## Rewards
    goal +10, apple +1, good object +2, bad object -1.

    ## Starting State
    A uniformly random spawn mark (reachable from the goal where there is one), facing a
    uniformly random yaw in [0, 360) (DMLab's default spawn angle range of 360 degrees),
    standing still; the same after every map restart.

    ## Arguments
    ``level``: a key of :data:`DMLAB30_EXPLORE` or :data:`MEMORY_SUITE_EXPLORE`; the
    keyword arguments of :class:`~memory_bench.envs.dmlab.base.DMLabEnv`.

    ## Version History
    * v0: first release (2026-12-06).
    """

    def __init__(self, level: str = "explore_goal_locations_small", **kwargs: Any):
        levels = {**DMLAB30_EXPLORE, **MEMORY_SUITE_EXPLORE}
        if level not in levels:
            raise ValueError(f"unknown explore level {level!r}; choose one of {sorted(levels)}")
        self.level_name = level
        self.level = levels[level]
        self.map_shape = (self.level.maze.height, self.level.maze.width)
        self.episode_seconds = self.level.episode_seconds
        self.n_items = _n_items(self.level)
        if self.level.goal_rows is not None:
            # the level scripts count rows from 1 (Lua), outer wall row included
            self.goal_rows = (self.level.goal_rows[0] - 1, self.level.goal_rows[1] - 1)
        super().__init__(**kwargs)

    # ------------------------------------------------------------------ episode
    def _generate(self, rng: np.random.Generator) -> tm.TextMap:
        lv = self.level
        for _ in range(_MAX_MAZE_TRIES):
            text_map = tm.random_maze(lv.maze, rng)
            marks = self._goal_marks(text_map)
            if len(marks) and len(text_map.spawns):
                return text_map
        raise RuntimeError(f"{self.level_name}: no maze with a goal mark in rows {lv.goal_rows} "
                           f"after {_MAX_MAZE_TRIES} tries")

    def _goal_marks(self, text_map: tm.TextMap) -> np.ndarray:
        marks = text_map.goals
        if self.level.goal_rows is not None:
            r0, r1 = self.goal_rows
            marks = marks[(marks[:, 0] >= r0) & (marks[:, 0] <= r1)]
        return marks

    def _new_episode(self, rng: np.random.Generator) -> None:
        lv = self.level
        text_map = self._generate(rng)
        closed = np.zeros(text_map.shape, dtype=bool)
        if lv.kind == "obstructed_goals":
            closed[tuple(text_map.doors.T)] = True
        self._show_map(text_map, rng, closed)
        self.goal_cell = None
        self.apple_cells = np.zeros((0, 2), dtype=np.int64)
        if lv.kind in ("goal_locations", "obstructed_goals"):
            marks = self._goal_marks(text_map)
            self.goal_cell = marks[rng.integers(len(marks))]
            self._place_item(0, "goal", self.goal_cell)
        elif lv.kind == "object_locations":
            marks = text_map.goals
            k = len(marks) // 2
            self.apple_cells = marks[np.sort(rng.permutation(len(marks))[:k])]
        elif lv.kind == "object_rewards":
            n = lv.categories
            shapes = rng.permutation(len(CATEGORY_SHAPES))[:n]
            colors = np.array([rng.permutation(len(CATEGORY_COLORS))[:2] for _ in range(n)])
            self.categories = [(CATEGORY_SHAPES[s], CATEGORY_COLORS[c]) for s, c in zip(shapes, colors)]
            self.good = np.zeros(n, dtype=bool)
            self.good[rng.permutation(n)[: n // 2]] = True
        self._on_restart(rng)

    def _reachable_spawns(self, passable: np.ndarray) -> np.ndarray:
        spawns = self.map.spawns
        if self.goal_cell is None:
            return spawns
        dist = tm.distances(passable, self.goal_cell)
        ok = spawns[dist[spawns[:, 0], spawns[:, 1]] >= 0]
        return ok if len(ok) else spawns

    def _on_restart(self, rng: np.random.Generator) -> None:
        lv = self.level
        passable = ~self.map.walls
        spawns = self._reachable_spawns(passable)
        spawn = spawns[rng.integers(len(spawns))]
        if lv.kind == "obstructed_goals":
            self._open_doors(spawn, rng)
        if lv.kind == "object_locations":
            for slot in range(self.n_items):
                self._place_item(slot, "apple" if slot < len(self.apple_cells) else None,
                                 self.apple_cells[slot] if slot < len(self.apple_cells) else None)
        elif lv.kind == "object_rewards":
            marks = self.map.goals
            cells = marks[rng.permutation(len(marks))[: lv.categories]]
            for slot, ((shape, colors), cell) in enumerate(zip(self.categories, cells)):
                self._place_item(slot, shape, cell, colors)
        elif self.goal_cell is not None:
            self._place_item(0, "goal", self.goal_cell)
        self.arena.commit_items()
        # DMLab's SelectRandomSpawnPoint (g_client.c): a spawn point's randomAngleRange
        # defaults to 360 and the explore factories leave it, so every (re)spawn faces
        # a uniformly random yaw
        self._spawn(spawn, float(rng.uniform(0.0, 360.0)))

    def _open_doors(self, spawn: np.ndarray, rng: np.random.Generator) -> None:
        """All doors closed, then open the ones along a random shortest spawn-goal path
        (doors counted passable), then half of the rest (rounded down) at random."""
        doors = self.map.doors
        closed = np.zeros(self.map.shape, dtype=bool)
        closed[tuple(doors.T)] = True
        self.door_path = tm.random_path(~self.map.walls, spawn, self.goal_cell, rng)
        for r, c in self.door_path:
            closed[r, c] = False
        still = np.argwhere(closed)
        extra = still[rng.permutation(len(still))[: len(still) // 2]]
        closed[tuple(extra.T)] = False
        self._set_doors(closed)

    # ------------------------------------------------------------------ pickups
    def _on_pickup(self, slot: int) -> float:
        kind = self.level.kind
        self._collect(slot)
        if kind in ("goal_locations", "obstructed_goals"):
            self._restart_map()
            return GOAL_REWARD
        if kind == "object_locations":
            if not self._active.any():
                self._restart_map()
            return APPLE_REWARD
        good = self.good[slot]
        if not (self._active & self.good).any():
            self._restart_map()
        return GOOD_REWARD if good else BAD_REWARD

    def _level_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if self.goal_cell is not None:
            info["goal_cell"] = np.asarray(self.goal_cell).copy()
        if self.level.kind == "object_locations":
            info["apple_cells"] = self.apple_cells[self._active[: len(self.apple_cells)]].copy()
        if self.level.kind == "obstructed_goals":
            info["closed_doors"] = np.argwhere(self._solid & ~self.map.walls)
        return info
