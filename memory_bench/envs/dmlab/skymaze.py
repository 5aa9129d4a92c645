"""DMLab-30's sky mazes: ``skymaze_irreversible_path_hard`` and ``_varied``.

A path of floating platforms leads from a high start platform to a goal platform. The
platforms only go down: one height step (20 u) is more than the 18 u a player can step
up, and these levels take jumping away, so a wrong turn can cut the agent off from the
goal for the rest of the episode. The start platform gives the overview to plan with.

Facts from DMLab (``game_scripts/factories/skymaze_factory.lua``, the generator
``game_scripts/map_generators/platforms_v1/gen.lua``, ``maze_generation::FindRandomPath``
and the text-level exporter's ``AddPlatform``/``AddGlassColumn``; read for their facts,
our own code):

* Difficulty ``d`` (hard: 0.9; varied: uniform in [0, 1) per episode): a path grid of
  ``L = 4 + round(6 d)`` cells a side, ``1 + round(7 d)`` paths and at most
  ``floor(L (0.3 + d))`` extra steps a path (2 if that is 1).
* Start in the first third of the rows, goal in the last third, columns 2 .. L-1, at a
  Manhattan distance of L-3 or L-2. Each path is a random depth-first walk from start
  to goal that must cross a cell no earlier path took and be at most the extra steps
  longer than the distance (1000 tries, else the path is dropped).
* The text map is (2L+1) x (2L+1) cells of 100 u: path cell (r, c) at (2r, 2c), the cell
  between two path cells at their sum. Generator heights: the start 26; along the main
  path from 21, each cell 1 or 2 lower with probability 0.3 (never below 8); the other
  paths descend evenly over each stretch of new cells to one below where they rejoin.
* A platform of generator height h stands with its floor at ``20 (h + 14)`` u (start:
  800 u), a 40 u slab (DMLab's blue riser texture, a black tread band, a floor texture
  per height). Every other cell is a glass column 840 u tall, invisible and solid, as is
  the column under each platform: the agent cannot fall off, only drop to lower
  platforms.
* The goal (+100) stands on the goal platform; the episode ends 0.2 s after it is taken.
  Jump, crouch and fire are held at 0. The spawn yaw is uniformly random (DMLab's
  default ``randomAngleRange`` of 360). Episodes last 60 s.

Ours: numpy's random streams; the platform's black tread band is not drawn (the slab is
one box under its floor tile); the goal is the engine's goal object, 1.5 times the size
of the small goals (DMLab uses its large goal model).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.arena import SHAPES, floor_textures, wall_textures
from memory_bench.envs.dmlab.base import DMLabEnv

MAX_HEIGHT, MIN_HEIGHT = 26, 8
START_HEIGHT_OFFSET = 5
DROP_PROBABILITY, MAX_DROP = 0.3, 2
MIN_SIZE, MAX_SIZE = 4, 10
MIN_PATHS, MAX_PATHS = 1, 8
MAX_ITERATIONS = 1000
CELL = tm.CELL_UNITS
HEIGHT_UNITS = 20.0  # u per height step of the text-level exporter (kHeightScale 0.2 of a 100 u cell)
FLOOR_OFFSET = 14  # the factory's platform height is 40 - (letter - 'a') = generator height + 14
SLAB_UNITS = 40.0  # kPlatformThickness 2 steps
GLASS_TOP_UNITS = (40 + 2) * HEIGHT_UNITS  # empty cells: glass columns of MAX_HEIGHT + 2 steps
LEVELS = {"irreversible_path_hard": 0.9, "irreversible_path_varied": None}
GOAL_REWARD = 100.0
GOAL_SCALE = 1.5
#: MISHMASH floor textures we have (labmaze's style_01 and style_03 sets).
_FLOORS = (("style_01", "orange"), ("style_01", "orange_bright"), ("style_01", "blue"), ("style_01", "blue_bright"),
           ("style_03", "green"), ("style_03", "green_bright"), ("style_03", "blue"), ("style_03", "blue_bright"))
_RISER = ("style_02", "blue")


def _weighted(lo: int, hi: int, w: float) -> int:
    return lo + int(np.floor(w * (hi - lo) + 0.5))


def dfs_path(size: int, start, goal, rng: np.random.Generator) -> list[tuple[int, int]]:
    """DMLab's ``FindRandomPath`` on an open ``size`` x ``size`` grid: a depth-first walk
    from ``start`` that steps to a uniformly random unvisited neighbour (backing up
    when there is none) until the goal is next to it; the cells of the walk, start and
    goal included."""
    start, goal = (int(start[0]), int(start[1])), (int(goal[0]), int(goal[1]))
    path = [start]
    if start == goal:
        return path
    visited = {start}
    draws = rng.random(4 * size * size)  # more than a walk over every cell can use
    k = 0
    while path:
        r, c = path[-1]
        cands = []
        for nr, nc in ((r - 1, c), (r, c + 1), (r + 1, c), (r, c - 1)):
            if (nr, nc) == goal:
                path.append(goal)
                return path
            if 0 <= nr < size and 0 <= nc < size and (nr, nc) not in visited:
                cands.append((nr, nc))
        if not cands:
            path.pop()
            continue
        nxt = cands[int(draws[k] * len(cands))]
        k += 1
        visited.add(nxt)
        path.append(nxt)
    return path


def generate(difficulty: float, rng: np.random.Generator) -> tuple[np.ndarray, tuple[int, int], tuple[int, int]]:
    """DMLab's ``platforms_v1`` generator: the (2L+1)^2 generator heights (0: no
    platform), and the start and goal cells of that map."""
    if not 0.0 <= difficulty <= 1.0:
        raise ValueError(f"difficulty={difficulty!r} must be in [0, 1]")
    size = _weighted(MIN_SIZE, MAX_SIZE, difficulty)
    n_paths = _weighted(MIN_PATHS, MAX_PATHS, difficulty)
    max_extra = int(np.floor(size * (0.3 + difficulty)))
    if max_extra == 1:
        max_extra = 2
    for _ in range(MAX_ITERATIONS):  # 0-based cells of the size x size path grid
        start = (int(np.floor(rng.random() / 3 * size)), int(rng.integers(1, size - 1)))
        goal = (int(np.floor((2.0 + rng.random()) / 3 * size)), int(rng.integers(1, size - 1)))
        dist = abs(start[0] - goal[0]) + abs(start[1] - goal[1])
        if size - 3 <= dist <= size - 2:
            break
    else:  # pragma: no cover - the bands always allow such a pair
        raise RuntimeError("no start and goal pair")
    used = np.zeros((size, size), dtype=bool)
    paths = []
    for _ in range(n_paths):
        found = None
        for _ in range(MAX_ITERATIONS):
            path = dfs_path(size, start, goal, rng)
            if len(path) - 1 - dist <= max_extra and not all(used[p] for p in path):
                found = path
                break
        if found is None:
            break
        paths.append(found)
        for p in found:
            used[p] = True
    n = 2 * size + 1
    heights = np.zeros((n, n), dtype=np.int64)

    def scaled(path):  # map cells (1-based generator rows 2r: 0-based 2r + 1)
        out = [(2 * path[0][0] + 1, 2 * path[0][1] + 1)]
        for (r0, c0), (r1, c1) in zip(path, path[1:]):
            out += [(r0 + r1 + 1, c0 + c1 + 1), (2 * r1 + 1, 2 * c1 + 1)]
        return out

    scaled_paths = [scaled(p) for p in paths]
    heights[scaled_paths[0][0]] = MAX_HEIGHT
    last = MAX_HEIGHT - START_HEIGHT_OFFSET
    for cell in scaled_paths[0][1:]:
        h = last
        if rng.random() < DROP_PROBABILITY:
            h = last - int(rng.integers(1, MAX_DROP + 1))
        h = max(h, MIN_HEIGHT)
        heights[cell] = h
        last = h
    for path in scaled_paths[1:]:
        _descend(heights, path, rng)
    return heights, scaled_paths[0][0], (2 * goal[0] + 1, 2 * goal[1] + 1)


def _descend(heights: np.ndarray, path: list[tuple[int, int]], rng: np.random.Generator) -> None:
    """Heights of a secondary path: each run of new cells drops evenly (the remainder
    spread over random cells) from the cell before it (at most the main path's start
    height) to one below the lower of its two ends."""
    p = 0
    while p < len(path) - 1:
        while p < len(path) and heights[path[p]] != 0:
            p += 1
        if p >= len(path):
            break
        q = p + 1
        while q < len(path) and heights[path[q]] == 0:
            q += 1
        before = heights[path[p - 1]]
        start_h = min(before, MAX_HEIGHT - START_HEIGHT_OFFSET)
        end_h = min(before - 1, heights[path[q]] - 1)
        span = q - p
        base, extra = divmod(start_h - end_h, span)
        drops = np.full(span, base)
        drops[rng.permutation(span)[:extra]] += 1
        h = start_h
        for k in range(span):
            h -= drops[k]
            heights[path[p + k]] = h
        p = q


def floor_units(h: np.ndarray) -> np.ndarray:
    """The floor height (u) of platforms of generator height ``h``."""
    return (np.asarray(h) + FLOOR_OFFSET) * HEIGHT_UNITS


class SkyMaze(DMLabEnv):
    """DMLab-30 ``skymaze_irreversible_path_*``: walk down a path of floating platforms
    to the goal.

    ## Description
    The agent starts on the highest platform of a maze of platforms floating in the sky
    and must reach the goal platform. Platforms only lead down (jump and crouch are
    disabled and a 20 u rise is too high to step), so taking a wrong branch can make
    the goal unreachable; invisible glass fills every gap, so the agent never falls
    off. See the module docstring for the generator.

    ## Observation and Action Space
    As every DMLab-style level (:class:`DMLabEnv`); jump, crouch and fire of the raw
    action set are ignored, as DMLab's factory zeroes them.

    ## Rewards
    +100 for the goal.

    ## Episode End
    Terminated 0.2 s after the goal is taken; truncated after 60 s.

    ## Arguments
    ``level``: ``"irreversible_path_hard"`` (difficulty 0.9, a 19 x 19 map) or
    ``"irreversible_path_varied"`` (difficulty drawn per episode); ``difficulty``
    overrides it (a float in [0, 1]); :class:`DMLabEnv`'s keyword arguments.

    ## Version History
    * v0: first version (2026-12).
    """

    map_shape = (2 * MAX_SIZE + 1, 2 * MAX_SIZE + 1)
    episode_seconds = 60.0
    n_items = 1
    allow_jump_crouch = False

    def __init__(self, level: str = "irreversible_path_hard", difficulty: float | None = None, **kwargs: Any):
        if level not in LEVELS:
            raise ValueError(f"unknown sky maze level {level!r}; choose one of {sorted(LEVELS)}")
        if difficulty is not None and not (isinstance(difficulty, (int, float)) and 0.0 <= difficulty <= 1.0):
            raise ValueError(f"difficulty={difficulty!r} must be a number in [0, 1] (or None: the level's)")
        self.level = level
        self.difficulty = LEVELS[level] if difficulty is None else float(difficulty)
        super().__init__(**kwargs)
        walls = wall_textures()
        self._riser = walls.index(_RISER)
        floors = floor_textures()
        self._floor_choices = np.array([floors.index(f) for f in _FLOORS])
        self._goal_parts = tuple((k, r * GOAL_SCALE, hh * GOAL_SCALE, x * GOAL_SCALE, z * GOAL_SCALE, col)
                                 for k, r, hh, x, z, col in SHAPES["goal"])

    def _new_episode(self, rng: np.random.Generator) -> None:
        d = float(rng.random()) if self.difficulty is None else self.difficulty
        heights, start, goal = generate(d, rng)
        self.episode_difficulty = d
        self.heights = heights
        self.start, self.goal = start, goal
        H, W = self.map_shape
        n = heights.shape[0]
        grid = np.zeros((H, W), dtype=np.int64)
        grid[:n, :n] = heights
        self.platform = grid > 0
        entity = "\n".join("".join(" " if v else "*" for v in row) for row in self.platform)
        text = tm.parse(entity)
        self.map = text
        floor_z = np.where(self.platform, floor_units(grid), 0.0)
        shown = self.platform
        levels = np.unique(grid[shown])
        per_level = self._floor_choices[rng.integers(len(self._floor_choices), size=len(levels))]
        floor_tex = np.zeros((H, W), dtype=np.int64)
        for lv, tex in zip(levels, per_level):
            floor_tex[grid == lv] = tex
        # the arena: a slab (a wall box) under each platform's floor tile, nothing elsewhere
        self.arena.apply_map(~shown, np.zeros((H, W), bool), np.full((H, W), self._riser), floor_tex,
                             np.full((H, W), -1), show_walls=shown)
        self.arena.set_heights(np.where(shown, floor_z - SLAB_UNITS, 0.0), np.where(shown, floor_z, 1.0), floor_z)
        # the mover: every cell a solid column, up to the platform's floor or the glass top
        self._solid = np.ones((H, W), dtype=bool)
        self._wall_top = np.where(shown, floor_z, GLASS_TOP_UNITS)
        gx, gy = tm.cell_centre(np.array(goal), H)
        self._place_item_at(0, self._goal_parts, (float(gx), float(gy)), z=float(floor_z[goal]))
        self.arena.commit_items()
        sx, sy = tm.cell_centre(np.array(start), H)
        self._spawn_at(float(sx), float(sy), float(rng.uniform(0.0, 360.0)), z=float(floor_z[start]))

    def _on_pickup(self, slot: int) -> float:
        self._collect(slot)
        self._finish_after(0.2)
        return GOAL_REWARD

    def _level_info(self) -> dict[str, Any]:
        return {"difficulty": self.episode_difficulty, "start": self.start, "goal": self.goal}


def reachable_moves(heights: np.ndarray) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Where a player can walk from each platform cell: a 4-neighbour platform no
    higher than it (a one-step rise, 20 u, is above the 18 u step)."""
    moves: dict[tuple[int, int], list[tuple[int, int]]] = {}
    n, m = heights.shape
    for r, c in zip(*np.nonzero(heights)):
        out = []
        for dr, dc in ((-1, 0), (0, 1), (1, 0), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < n and 0 <= nc < m and 0 < heights[nr, nc] <= heights[r, c]:
                out.append((int(nr), int(nc)))
        moves[(int(r), int(c))] = out
    return moves


def route(heights: np.ndarray, start, goal) -> list[tuple[int, int]]:
    """The shortest walkable sequence of cells from ``start`` to ``goal`` (both
    included), or ``[]`` where the goal cannot be reached any more."""
    moves = reachable_moves(heights)
    start, goal = tuple(map(int, start)), tuple(map(int, goal))
    prev = {start: None}
    queue = [start]
    for cell in queue:
        if cell == goal:
            out = []
            while cell is not None:
                out.append(cell)
                cell = prev[cell]
            return out[::-1]
        for nxt in moves.get(cell, ()):
            if nxt not in prev:
                prev[nxt] = cell
                queue.append(nxt)
    return []


class SkyMazeOracle:
    """A privileged player (it reads the map from the env): walks the shortest
    walkable route of platforms to the goal, cell centre to cell centre. Where the
    route turns it brakes (turning on the spot, so that friction stops it) to come to
    the turn's cell centre slowly: running on would carry it onto the wrong platform,
    and a drop cannot be undone."""

    #: u/s^2: Quake's ground friction stops a player at 320 u/s in about 41 u
    BRAKE = 1250.0
    #: u to spare when stopping (a step's 4 frames cover 20 u at full speed)
    MARGIN = 20.0

    def reset(self, env=None) -> None:
        self._route: list[tuple[int, int]] = []

    def act(self, env) -> int:
        from memory_bench.agents.dmlab import LOOK_LEFT, LOOK_RIGHT, steer
        from memory_bench.engine.agents import quake

        env = env.unwrapped
        st = env._state
        pos = st[quake.X: quake.Y + 1]
        h = env.map.shape[0]
        here = tuple(int(v) for v in tm.world_cell(pos, h))
        if here not in self._route:
            self._route = route(env.heights, here, env.goal)  # platforms lie in the generated map
        if not self._route:
            return LOOK_LEFT  # cut off from the goal
        k = self._route.index(here)
        if k + 1 >= len(self._route):
            return steer(env, tm.cell_centre(np.array(here), h))
        target = tm.cell_centre(np.array(self._route[k + 1]), h)
        # the next stop: the first cell from here where the route turns, or its end
        run = self._route[k:]
        seq = self._route[k - 1:] if k > 0 else run  # with the cell it came from
        off = len(seq) - len(run)  # where "here" is in seq
        j = len(run) - 1
        for i in range(max(off, 1), len(seq) - 1):
            if np.subtract(seq[i], seq[i - 1]).tolist() != np.subtract(seq[i + 1], seq[i]).tolist():
                j = i - off
                break
        stop = tm.cell_centre(np.array(run[j]), h)
        step = np.subtract(seq[off + 1], seq[off]) if j > 0 else np.subtract(seq[off], seq[off - 1])
        axis = np.array([step[1], -step[0]], dtype=float)  # (row, col) step as a world direction
        ahead = float((stop - pos) @ axis)  # u to the stop's centre along the way there
        speed = float(np.hypot(st[quake.VX], st[quake.VY]))
        # u it needs to stop: gliding over each drop on the way (no friction in the air),
        # then braking on the ground; the first drop from the height the agent is at
        # (near an edge it still stands on the higher platform)
        zs = [float(st[quake.Z] + quake.PLAYER_MINS[2])] + [float(floor_units(env.heights[c])) for c in run[:j + 1]]
        glide = sum(speed * np.sqrt(2.0 * (z0 - z1) / quake.GRAVITY) for z0, z1 in zip(zs, zs[1:]) if z0 > z1)
        need = glide + speed * speed / (2 * self.BRAKE) + self.MARGIN
        if ahead > 8.0 and speed > 40.0 and need > ahead:
            out = np.subtract(run[j + 1], run[j]) if j + 1 < len(run) else step
            want = np.degrees(np.arctan2(-out[0], out[1]))
            err = (want - st[quake.YAW] + 180.0) % 360.0 - 180.0
            return LOOK_LEFT if err > 0 else LOOK_RIGHT  # brake: turn on the spot, friction stops it
        if j == 0 and ahead > 8.0:
            target = stop  # the route turns here: to this cell's centre first
        return steer(env, target)
