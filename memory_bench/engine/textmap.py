"""DMLab text maps as data: the entity layer of a level, parsed into numpy arrays.

DMLab describes a maze level as text, one character a cell of 100 game units
("u"): ``*`` wall, ``' '`` floor, ``P`` spawn mark, ``G`` goal (labmaze's object
mark), ``A`` apple, ``I`` and ``H`` doors (``I`` in a wall column, passage along x;
``H`` in a wall row, passage along y). A second, optional *variations* layer of the
same shape names a texture region per cell (``.`` none, letters ``A``... one region
each). labmaze's :class:`labmaze.RandomMaze` is the C++ generator DMLab itself uses
(``randomMazeGeneration``), so :func:`random_maze` gives DMLab's layouts for the same
parameters.

Grid conventions, shared by every DMLab-style level:

* arrays are indexed ``[row, col]``, row 0 the top line of the text;
* world coordinates are DMLab's, in game units: the map's bottom-left corner is the
  origin, ``x = 100 * col + 50`` and ``y = 100 * (H - 1 - row) + 50`` at a cell
  centre (:func:`cell_centre`); the MuJoCo scene divides them by :data:`UNITS_PER_METRE`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import labmaze
import numpy as np

CELL_UNITS = 100.0  # game units per text-map cell
UNITS_PER_METRE = 32.0  # DMLab's map builder: 32 u is one metre (MuJoCo lengths are metres)
WALL = "*"
SPAWN = "P"
GOAL = "G"
APPLE = "A"
DOORS = "IH"
FLOOR_CHARS = " PGAIH"


@dataclass
class TextMap:
    """One text level.

    Attributes:
        entity: ``(H, W)`` array of one-character strings, the entity layer.
        variations: ``(H, W)`` array of one-character strings (``.`` where no region).
        walls: ``(H, W)`` bool, True on wall cells (doors are not walls).
        doors: ``(D, 2)`` ``(row, col)`` of the door cells, in row-major order.
        spawns: ``(S, 2)`` of the spawn marks ``P``.
        goals: ``(G, 2)`` of the goal/object marks ``G``.
        apples: ``(A, 2)`` of the apple marks ``A``.
        rooms: ``(H, W)`` int, ``k >= 1`` on cells of the k-th variation region, 0 elsewhere.
    """

    entity: np.ndarray
    variations: np.ndarray
    walls: np.ndarray = field(init=False)
    doors: np.ndarray = field(init=False)
    spawns: np.ndarray = field(init=False)
    goals: np.ndarray = field(init=False)
    apples: np.ndarray = field(init=False)
    rooms: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        e = self.entity
        bad = sorted(set(np.unique(e)) - set(WALL + FLOOR_CHARS))
        if bad:
            raise ValueError(f"text map has unknown character(s) {bad}; allowed: {WALL + FLOOR_CHARS!r}")
        if self.variations.shape != e.shape:
            raise ValueError(f"variations layer of shape {self.variations.shape} does not match the entity layer {e.shape}")
        self.walls = e == WALL
        marks = lambda chars: np.argwhere(np.isin(e, list(chars))).astype(np.int64)  # noqa: E731
        self.doors = marks(DOORS)
        self.spawns = marks(SPAWN)
        self.goals = marks(GOAL)
        self.apples = marks(APPLE)
        letters = sorted(set(np.unique(self.variations)) - {".", " "})
        self.rooms = np.zeros(e.shape, dtype=np.int64)
        for k, ch in enumerate(letters, start=1):
            self.rooms[self.variations == ch] = k

    @property
    def shape(self) -> tuple[int, int]:
        return self.entity.shape  # type: ignore[return-value]

    def text(self) -> str:
        """The entity layer as DMLab text."""
        return "\n".join("".join(row) for row in self.entity)


def parse(entity: str, variations: str | None = None) -> TextMap:
    """A :class:`TextMap` from DMLab text (lines of equal length; shorter ones are
    padded with walls, as DMLab's text level builder treats missing cells)."""
    lines = [ln for ln in entity.strip("\n").split("\n")]
    if not lines or not any(lines):
        raise ValueError("empty text map")
    width = max(len(ln) for ln in lines)
    grid = np.array([list(ln.ljust(width, WALL)) for ln in lines])
    if variations is None:
        var = np.full(grid.shape, ".")
    else:
        vlines = variations.strip("\n").split("\n")
        var = np.array([list(ln.ljust(width, ".")) for ln in vlines])
    return TextMap(grid, var)


@dataclass(frozen=True)
class MazeParams:
    """labmaze ``RandomMaze`` parameters (DMLab's ``randomMazeGeneration`` names in
    brackets). Sizes count the outer wall ring and must be odd."""

    height: int  # (height)
    width: int  # (width)
    max_rooms: int  # (maxRooms)
    room_min_size: int = 3  # (roomMinSize)
    room_max_size: int = 7  # (roomMaxSize)
    spawns_per_room: int = 0  # (roomSpawnCount)
    objects_per_room: int = 0  # (roomObjectCount)
    max_variations: int = 26  # (maxVariations)
    has_doors: bool = False  # (hasDoors)
    extra_connection_probability: float = 0.05  # (extraConnectionProbability)
    simplify: bool = True  # (simplify)

    def __post_init__(self) -> None:
        for name in ("height", "width", "room_min_size", "room_max_size"):
            v = getattr(self, name)
            if not isinstance(v, (int, np.integer)) or v < 3 or v % 2 == 0:
                raise ValueError(f"{name}={v!r} must be an odd int >= 3")
        if self.room_min_size > self.room_max_size:
            raise ValueError(f"room_min_size={self.room_min_size} exceeds room_max_size={self.room_max_size}")
        if not 0.0 <= self.extra_connection_probability <= 1.0:
            raise ValueError(f"extra_connection_probability={self.extra_connection_probability!r} must be in [0, 1]")


def random_maze(params: MazeParams, rng: np.random.Generator) -> TextMap:
    """A random text maze from labmaze, its seed drawn from ``rng``."""
    maze = labmaze.RandomMaze(
        height=params.height,
        width=params.width,
        max_rooms=params.max_rooms,
        room_min_size=params.room_min_size,
        room_max_size=params.room_max_size,
        spawns_per_room=params.spawns_per_room,
        objects_per_room=params.objects_per_room,
        max_variations=params.max_variations,
        has_doors=params.has_doors,
        extra_connection_probability=params.extra_connection_probability,
        simplify=params.simplify,
        random_seed=int(rng.integers(2**31 - 1)),
    )
    entity = np.array([list(row) for row in str(maze.entity_layer).strip("\n").split("\n")])
    var = np.array([list(row) for row in str(maze.variations_layer).strip("\n").split("\n")])
    return TextMap(entity, var)


def cell_centre(cells: np.ndarray, height: int) -> np.ndarray:
    """DMLab world ``(x, y)`` in game units of the centres of ``(row, col)`` cells."""
    cells = np.asarray(cells, dtype=np.float64)
    return np.stack([CELL_UNITS * cells[..., 1] + CELL_UNITS / 2, CELL_UNITS * (height - 1 - cells[..., 0]) + CELL_UNITS / 2], -1)


def world_cell(xy: np.ndarray, height: int) -> np.ndarray:
    """The ``(row, col)`` cell holding DMLab world point(s) ``(x, y)``."""
    xy = np.asarray(xy, dtype=np.float64)
    col = np.floor(xy[..., 0] / CELL_UNITS).astype(np.int64)
    row = height - 1 - np.floor(xy[..., 1] / CELL_UNITS).astype(np.int64)
    return np.stack([row, col], -1)


def distances(passable: np.ndarray, start) -> np.ndarray:
    """Breadth-first step counts from cell ``start`` over 4-connected ``passable``
    cells (-1 where unreachable)."""
    h, w = passable.shape
    dist = np.full((h, w), -1, dtype=np.int64)
    r0, c0 = int(start[0]), int(start[1])
    if not passable[r0, c0]:
        return dist
    dist[r0, c0] = 0
    queue = deque([(r0, c0)])
    while queue:
        r, c = queue.popleft()
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            rr, cc = r + dr, c + dc
            if 0 <= rr < h and 0 <= cc < w and passable[rr, cc] and dist[rr, cc] < 0:
                dist[rr, cc] = dist[r, c] + 1
                queue.append((rr, cc))
    return dist


def random_path(passable: np.ndarray, start, goal, rng: np.random.Generator) -> list[tuple[int, int]]:
    """One shortest 4-connected path from ``start`` to ``goal`` (cells included), ties
    between equally short next cells broken at random; empty if unreachable."""
    dist = distances(passable, goal)
    r, c = int(start[0]), int(start[1])
    if dist[r, c] < 0:
        return []
    path = [(r, c)]
    while dist[r, c] > 0:
        nxt = [
            (r + dr, c + dc) for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1))
            if 0 <= r + dr < dist.shape[0] and 0 <= c + dc < dist.shape[1] and dist[r + dr, c + dc] == dist[r, c] - 1
        ]
        r, c = nxt[int(rng.integers(len(nxt)))]
        path.append((r, c))
    return path


class ShortestPaths:
    """Shortest paths over a text map's open cells (4-connected), one distance field
    per goal cell, computed when first asked for and kept for the episode."""

    def __init__(self, passable: np.ndarray):
        self.passable = passable
        self.h = passable.shape[0]
        self._fields: dict[tuple[int, int], np.ndarray] = {}
        self.cells = np.argwhere(passable)

    def field(self, goal) -> np.ndarray:
        key = (int(goal[0]), int(goal[1]))
        f = self._fields.get(key)
        if f is None:
            f = self._fields[key] = distances(self.passable, key)
        return f

    def next_cell(self, here, goal) -> tuple[int, int] | None:
        """The neighbour of ``here`` one step closer to ``goal`` (``goal`` itself when
        there; None if it cannot be reached)."""
        f = self.field(goal)
        r, c = int(here[0]), int(here[1])
        if not (0 <= r < f.shape[0] and 0 <= c < f.shape[1]) or f[r, c] < 0:
            return None
        if f[r, c] == 0:
            return (r, c)
        for dr, dc in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < f.shape[0] and 0 <= nc < f.shape[1] and f[nr, nc] == f[r, c] - 1:
                return (nr, nc)
        return None
