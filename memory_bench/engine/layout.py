"""Maze layouts as plain data: walls, rooms, texture blocks, spawn and object cells.

This layer knows nothing about MuJoCo. It asks ``labmaze`` for a random maze with
the Memory Maze parameters and turns labmaze's text layers into numpy arrays.

Grid conventions (used by every layer above):

* Arrays are indexed ``[row, col]`` in labmaze's order: row 0 is the *top* row
  (world +y), and the arrays include the outer wall ring, so their shape is
  ``(N + 2, N + 2)`` for an ``N x N`` maze.
* World coordinates of the centre of cell ``(row, col)`` are
  ``x = (col - (W - 1) / 2) * cell_size`` and ``y = -(row - (H - 1) / 2) * cell_size``.
* User-facing grid units (the original's ExtraObs) put the bottom-left corner of
  the inner maze at ``(0, 0)``; see :func:`world_to_grid`.
"""

from __future__ import annotations

from dataclasses import dataclass

import labmaze
import numpy as np

#: Number of texture blocks per side: each ninth of the maze gets its own wall texture.
TEXTURE_BLOCKS = 3


@dataclass(frozen=True)
class MazeParams:
    """labmaze parameters of one maze size (inner size, without the outer walls)."""

    size: int
    max_rooms: int = 6
    room_min_size: int = 3
    room_max_size: int = 5


@dataclass
class MazeLayout:
    """One generated maze.

    Attributes:
        walls: ``(H, W)`` bool, True where a wall cell is.
        rooms: ``(H, W)`` int, 0 for corridor (and wall) cells, ``k >= 1`` for cells of room k.
        wall_block: ``(H, W)`` int in ``[0, 9)``, the texture block of each cell.
        spawn_cells: ``(S, 2)`` int ``(row, col)`` of the spawn cells (one per room).
        object_cells: ``(K, 2)`` int ``(row, col)`` of the object cells (one per room).
    """

    walls: np.ndarray
    rooms: np.ndarray
    wall_block: np.ndarray
    spawn_cells: np.ndarray
    object_cells: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.walls.shape  # type: ignore[return-value]

    @property
    def inner_size(self) -> int:
        return self.walls.shape[0] - 2

    def maze_layout(self) -> np.ndarray:
        """The original's ``maze_layout`` observation: inner cells, uint8, 1 = floor,
        flipped so that ``[0, 0]`` is the bottom-left cell."""
        return np.ascontiguousarray((~self.walls[1:-1, 1:-1])[::-1]).astype(np.uint8)


def block_index(n: int) -> np.ndarray:
    """Texture block of each cell of an ``n x n`` grid (outer walls included).

    The grid is cut in ``3 x 3`` blocks at ``i * n // 3`` as in the original, and the
    blocks are numbered row-major.
    """
    edges = [i * n // TEXTURE_BLOCKS for i in range(TEXTURE_BLOCKS + 1)]
    band = np.zeros(n, dtype=np.int64)
    for i in range(TEXTURE_BLOCKS):
        band[edges[i]:edges[i + 1]] = i
    return band[:, None] * TEXTURE_BLOCKS + band[None, :]


def open_room(size: int, object_cells) -> MazeLayout:
    """A layout with only the outer wall ring: one open ``size x size`` room, for
    measuring motion (:mod:`memory_bench.motion`) and for tests.

    Args:
        size: inner size (without the outer walls).
        object_cells: ``(K, 2)`` ``(row, col)`` cells for the objects.

    The one spawn cell is the middle of the left edge.
    """
    n = size + 2
    walls = np.zeros((n, n), dtype=bool)
    walls[0] = walls[-1] = walls[:, 0] = walls[:, -1] = True
    return MazeLayout(
        walls=walls,
        rooms=np.zeros((n, n), dtype=np.int64),
        wall_block=block_index(n),
        spawn_cells=np.array([[n // 2, 1]]),
        object_cells=np.asarray(object_cells),
    )


def generate(params: MazeParams, rng: np.random.Generator, min_objects: int) -> MazeLayout:
    """Draws a labmaze layout with at least ``min_objects`` object cells.

    As in the original, a layout with too few rooms (hence too few object cells)
    is thrown away and a new one drawn. Every random choice comes from ``rng``.
    """
    n = params.size + 2
    for _ in range(1000):
        maze = labmaze.RandomMaze(
            height=n,
            width=n,
            max_rooms=params.max_rooms,
            room_min_size=params.room_min_size,
            room_max_size=params.room_max_size,
            spawns_per_room=1,
            objects_per_room=1,
            max_variations=26,
            simplify=True,
            random_seed=int(rng.integers(2**31 - 1)),
        )
        entities = np.asarray(maze.entity_layer)
        objects = np.argwhere(entities == labmaze.defaults.OBJECT_TOKEN)
        if len(objects) >= min_objects:
            break
    else:  # pragma: no cover - labmaze always finds enough rooms well before this
        raise RuntimeError(f"labmaze produced fewer than {min_objects} rooms in 1000 tries for {params}")
    variations = np.asarray(maze.variations_layer)
    rooms = np.zeros(entities.shape, dtype=np.int64)
    room_chars = variations != "."
    rooms[room_chars] = np.vectorize(ord)(variations[room_chars]) - ord("A") + 1
    walls = entities == "*"
    rooms[walls] = 0
    return MazeLayout(
        walls=walls,
        rooms=rooms,
        wall_block=block_index(n),
        spawn_cells=np.argwhere(entities == labmaze.defaults.SPAWN_TOKEN),
        object_cells=objects,
    )


def cell_to_world(cells: np.ndarray, n: int, cell_size: float) -> np.ndarray:
    """World ``(x, y)`` of the centres of ``(row, col)`` cells in an ``n x n`` grid."""
    cells = np.asarray(cells, dtype=np.float64)
    half = (n - 1) / 2
    return np.stack([(cells[..., 1] - half) * cell_size, -(cells[..., 0] - half) * cell_size], axis=-1)


def world_to_grid(xy: np.ndarray, inner_size: int, cell_size: float) -> np.ndarray:
    """World ``(x, y)`` to the original's grid units (inner maze's bottom-left at 0, 0)."""
    return np.asarray(xy) / cell_size + inner_size / 2.0
