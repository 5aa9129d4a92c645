"""The oracle's aids: the shortest grid path to the current target and a minimap.

The original's ``-Oracle`` variants mark the breadth-first shortest path from the
agent's cell to the target's cell with the value 2 in ``maze_layout``, and overlay
an egocentric minimap (walls black, floor white, path green, agent red, rotated so
that the agent faces up) on the top-right corner of the image at half opacity.
"""

from __future__ import annotations

from collections import deque
from functools import lru_cache

import numpy as np

_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def shortest_path(maze: np.ndarray, start: tuple[int, int], goal: tuple[int, int]) -> list[tuple[int, int]] | None:
    """Breadth-first shortest path on ``maze[y, x]`` (nonzero = floor) between ``(x, y)``
    cells, both ends included; ``None`` if the goal cannot be reached."""
    h, w = maze.shape
    prev = -np.ones((h, w, 2), dtype=np.int64)
    seen = np.zeros((h, w), dtype=bool)
    seen[start[1], start[0]] = True
    queue = deque([start])
    while queue:
        x, y = queue.popleft()
        if (x, y) == goal:
            break
        for dx, dy in _STEPS:
            nx, ny = x + dx, y + dy
            if 0 <= nx < w and 0 <= ny < h and maze[ny, nx] and not seen[ny, nx]:
                seen[ny, nx] = True
                prev[ny, nx] = (x, y)
                queue.append((nx, ny))
    if not seen[goal[1], goal[0]]:
        return None
    path = [goal]
    while path[-1] != start:
        x, y = path[-1]
        path.append((int(prev[y, x, 0]), int(prev[y, x, 1])))
    return path[::-1]


def mark_path(maze_layout: np.ndarray, agent_pos: np.ndarray, target_pos: np.ndarray) -> None:
    """Writes 2 into ``maze_layout`` along the shortest path from agent to target."""
    n = maze_layout.shape[0]
    start = tuple(int(v) for v in np.clip(agent_pos.astype(int), 0, n - 1))
    goal = tuple(int(v) for v in np.clip(target_pos.astype(int), 0, n - 1))
    path = shortest_path(maze_layout, start, goal)  # type: ignore[arg-type]
    if path:
        xs, ys = np.array(path).T
        maze_layout[ys, xs] = 2


@lru_cache(maxsize=None)
def _pixel_offsets(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel centres of a ``size x size`` patch relative to its centre (u right, v down)."""
    c = np.arange(size) + 0.5 - size / 2
    return np.meshgrid(c, c, indexing="xy")


def draw_minimap(image: np.ndarray, maze_layout: np.ndarray, agent_pos: np.ndarray, agent_dir: np.ndarray) -> None:
    """Blends the egocentric minimap into the top-right corner of ``image`` in place."""
    n = maze_layout.shape[0]
    size = 2 * n
    colors = np.zeros((n, n, 3), dtype=np.uint8)
    colors[maze_layout == 1] = 255
    colors[maze_layout == 2] = (0, 255, 0)
    x, y = agent_pos
    colors[int(np.clip(y, 0, n - 1)), int(np.clip(x, 0, n - 1))] = (255, 0, 0)
    colors = colors[::-1]  # row 0 at the top of the picture
    # Rotate about the patch centre so that the agent faces up, then look the map up
    # centred on the agent (nearest neighbour, black outside).
    theta = -np.arctan2(agent_dir[0], agent_dir[1])
    u, v = _pixel_offsets(size)
    cos, sin = np.cos(theta), np.sin(theta)
    px = cos * u + sin * v + size / 2 + (x - n / 2) / n * size
    py = -sin * u + cos * v + size / 2 - (y - n / 2) / n * size
    col = np.floor(px * n / size).astype(np.int64)
    row = np.floor(py * n / size).astype(np.int64)
    inside = (col >= 0) & (col < n) & (row >= 0) & (row < n)
    patch = np.zeros((size, size, 3), dtype=np.uint8)
    patch[inside] = colors[row[inside], col[inside]]
    corner = image[:size, -size:]
    corner[...] = corner // 2 + patch // 2
