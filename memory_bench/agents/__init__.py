"""Scripted policies for Memory Maze: a random agent, the dataset's explorer and an oracle.

Every agent has the same small interface::

    agent.reset()                      # at the start of each episode
    action = agent.act(obs, info)      # an int in [0, 6): the env's action

``obs`` and ``info`` are what the env's ``reset``/``step`` returned. The agents that
steer need the probe values (grid units, as the ``-ExtraObs`` keys): they read them from
``obs`` when it is a dict (an ``-ExtraObs`` id, or ``ProbeObservations(env, to="obs")``)
and from ``info`` otherwise (``ProbeObservations(env, to="info")``):

=================  ==================================================================
agent              needs
=================  ==================================================================
``RandomAgent``    nothing (uniform random actions)
``ExplorerAgent``  ``agent_pos``, ``agent_dir``, ``maze_layout``
``OracleAgent``    ``agent_pos``, ``agent_dir``, ``maze_layout``, ``target_pos`` (and
                   ``targets_pos`` if there)
=================  ==================================================================

Example (the oracle on an ``-ExtraObs`` id)::

    import gymnasium as gym
    from memory_bench.agents import OracleAgent

    env = gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0")
    agent = OracleAgent()
    obs, info = env.reset(seed=0)
    agent.reset()
    score, done = 0.0, False
    while not done:
        obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
        score += reward
        done = terminated or truncated

Steering. The explorer (the dataset policy) uses :class:`Navigator`: the breadth-first
shortest path over the grid (:func:`memory_bench.envs.oracle.shortest_path`) from the
agent's cell to the goal cell is recomputed every step; the agent aims at the farthest
cell centre of that path that it can reach in a straight line with a margin around the
ball, turns on the spot when the heading error is large, goes forward and turns for
moderate errors, and goes straight when aligned; a stuck detector takes a few random
actions. It is kept as it is so that datasets generated with the explorer stay the same
across versions. The oracle uses :class:`~memory_bench.agents.driving.BallDriver`, a
model-predictive driver that is about 20 % faster (see its module doc and the README's
oracle table).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from memory_bench.agents.driving import FORWARD, FORWARD_LEFT, FORWARD_RIGHT, LEFT, NOOP, RIGHT, BallDriver  # noqa: F401
from memory_bench.envs.oracle import shortest_path

N_ACTIONS = 6

__all__ = ["Agent", "RandomAgent", "ExplorerAgent", "OracleAgent", "Navigator", "make_agent", "AGENTS"]


def _probe(obs: Any, info: Mapping[str, Any] | None, key: str) -> np.ndarray:
    """A probe value from a dict observation, else from ``info``."""
    if isinstance(obs, Mapping) and key in obs:
        return np.asarray(obs[key])
    if info is not None and key in info:
        return np.asarray(info[key])
    raise KeyError(
        f"the agent needs {key!r}: use an -ExtraObs env id, or wrap the env with "
        f"memory_bench.wrappers.ProbeObservations(env, to='info') (or to='obs')"
    )


class Agent:
    """The interface: ``reset()`` at each episode start, ``act(obs, info) -> int``."""

    def reset(self) -> None:  # pragma: no cover - trivial
        pass

    def act(self, obs: Any, info: Mapping[str, Any] | None = None) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


class RandomAgent(Agent):
    """Uniformly random actions from its own ``numpy`` generator."""

    def __init__(self, seed: int | None = None):
        self.rng = np.random.default_rng(seed)

    def act(self, obs: Any = None, info: Mapping[str, Any] | None = None) -> int:
        return int(self.rng.integers(N_ACTIONS))


def _wrap_angle(a: float) -> float:
    return (a + np.pi) % (2 * np.pi) - np.pi


class Navigator:
    """Drives the agent to a goal cell along the grid's shortest path (see the module doc).

    Args:
        clearance: the margin (cells) kept between the line of sight and any wall cell
            when choosing how far along the path to aim; the ball's radius is 0.1 cells.
        turn_angle: heading errors above this (radians) turn on the spot.
        align_angle: heading errors below this go straight forward.
        rng: generator for the unsticking moves.
    """

    def __init__(
        self,
        clearance: float = 0.16,
        turn_angle: float = np.radians(55.0),
        align_angle: float = np.radians(12.0),
        rng: np.random.Generator | None = None,
    ):
        self.clearance = clearance
        self.turn_angle = turn_angle
        self.align_angle = align_angle
        self.rng = rng if rng is not None else np.random.default_rng()
        self.reset()

    def reset(self) -> None:
        self._last_pos: np.ndarray | None = None
        self._still = 0
        self._unstick = 0
        self._layout_key: bytes | None = None
        self._floor: np.ndarray | None = None

    # ---------------------------------------------------------------- geometry
    def _set_layout(self, layout: np.ndarray) -> None:
        key = layout.tobytes()
        if key != self._layout_key:
            self._layout_key = key
            self._floor = (np.asarray(layout) != 0)

    def _is_floor(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        floor = self._floor
        n_y, n_x = floor.shape
        cx, cy = np.floor(xs).astype(np.int64), np.floor(ys).astype(np.int64)
        inside = (cx >= 0) & (cx < n_x) & (cy >= 0) & (cy < n_y)
        out = np.zeros(xs.shape, dtype=bool)
        out[inside] = floor[cy[inside], cx[inside]]
        return out

    def line_clear(self, a: np.ndarray, b: np.ndarray) -> bool:
        """Whether the segment from ``a`` to ``b``, widened by ``clearance``, stays on floor cells."""
        length = float(np.hypot(*(b - a)))
        n = max(2, int(np.ceil(length / 0.1)) + 1)
        t = np.linspace(0.0, 1.0, n)[:, None]
        pts = a + t * (b - a)
        c = self.clearance
        offsets = np.array([[c, c], [c, -c], [-c, c], [-c, -c], [c, 0], [-c, 0], [0, c], [0, -c]])
        probe = (pts[:, None, :] + offsets[None]).reshape(-1, 2)
        return bool(self._is_floor(probe[:, 0], probe[:, 1]).all())

    def waypoint(self, pos: np.ndarray, path: list[tuple[int, int]], goal_point: np.ndarray | None) -> np.ndarray:
        """The point to aim at: the farthest path cell centre (or the goal point at the end)
        reachable in a clear straight line; the next cell centre if none is."""
        points = [np.array([x + 0.5, y + 0.5]) for x, y in path[1:]]
        if goal_point is not None:
            if points:
                points[-1] = np.asarray(goal_point, dtype=np.float64)
            else:
                points = [np.asarray(goal_point, dtype=np.float64)]
        if not points:
            return np.array([path[0][0] + 0.5, path[0][1] + 0.5])
        best = points[0]
        for p in points[1:]:
            if self.line_clear(pos, p):
                best = p
            else:
                break
        return best

    # ---------------------------------------------------------------- control
    def steer(self, pos: np.ndarray, direction: np.ndarray, point: np.ndarray) -> int:
        """The action that heads from ``pos`` (facing ``direction``) to ``point``."""
        to = point - pos
        err = _wrap_angle(np.arctan2(to[1], to[0]) - np.arctan2(direction[1], direction[0]))  # > 0: point on the left
        dist = float(np.hypot(*to))
        turn_angle = self.turn_angle if dist > 0.6 else min(self.turn_angle, np.radians(35.0))
        if abs(err) > turn_angle:
            return LEFT if err > 0 else RIGHT
        if abs(err) > self.align_angle:
            return FORWARD_LEFT if err > 0 else FORWARD_RIGHT
        return FORWARD

    def act(self, pos: np.ndarray, direction: np.ndarray, layout: np.ndarray, goal_cell: tuple[int, int],
            goal_point: np.ndarray | None = None) -> int | None:
        """One step towards ``goal_cell`` (``(x, y)``); ``None`` when the goal is unreachable."""
        pos = np.asarray(pos, dtype=np.float64)
        direction = np.asarray(direction, dtype=np.float64)
        self._set_layout(layout)
        # stuck detection: little motion over several steps
        if self._last_pos is not None and np.hypot(*(pos - self._last_pos)) < 0.01:
            self._still += 1
        else:
            self._still = 0
        self._last_pos = pos.copy()
        if self._unstick > 0:
            self._unstick -= 1
            return int(self.rng.choice([LEFT, RIGHT, FORWARD_LEFT, FORWARD_RIGHT]))
        if self._still >= 6:
            self._still = 0
            self._unstick = 2
        n = self._floor.shape[0]
        cell = (int(np.clip(pos[0], 0, n - 1)), int(np.clip(pos[1], 0, n - 1)))
        if not self._floor[cell[1], cell[0]]:  # numerically on a wall cell's edge: nearest floor neighbour
            cell = self._nearest_floor(pos)
        path = shortest_path(self._floor, cell, goal_cell)
        if path is None:
            return None
        return self.steer(pos, direction, self.waypoint(pos, path, goal_point))

    def _nearest_floor(self, pos: np.ndarray) -> tuple[int, int]:
        ys, xs = np.nonzero(self._floor)
        d = (xs + 0.5 - pos[0]) ** 2 + (ys + 0.5 - pos[1]) ** 2
        i = int(np.argmin(d))
        return int(xs[i]), int(ys[i])


class ExplorerAgent(Agent):
    """The dataset policy: drives to random reachable floor cells along the shortest path,
    with action noise, so that trajectories cover the maze and close loops.

    Needs ``agent_pos``, ``agent_dir`` and ``maze_layout`` (from a dict observation or
    from ``info``, see the module doc).

    Args:
        seed: seed of the agent's own generator (goals and noise).
        noise: probability of replacing the steering action by a uniformly random one.
        min_distance: goals are drawn among the floor cells at least this many path
            steps away (when there are any), so that every trip crosses the maze a bit.
    """

    def __init__(self, seed: int | None = None, noise: float = 0.15, min_distance: int = 3):
        self.rng = np.random.default_rng(seed)
        self.noise = noise
        self.min_distance = min_distance
        self.nav = Navigator(rng=self.rng)
        self.reset()

    def reset(self) -> None:
        self.goal: tuple[int, int] | None = None
        self.nav.reset()

    def _new_goal(self, layout: np.ndarray, cell: tuple[int, int]) -> tuple[int, int]:
        floor = layout != 0
        dist = _bfs_distances(floor, cell)
        reachable = np.argwhere(dist >= 0)  # (y, x)
        far = reachable[dist[reachable[:, 0], reachable[:, 1]] >= self.min_distance]
        choices = far if len(far) else reachable
        y, x = choices[self.rng.integers(len(choices))]
        return int(x), int(y)

    def act(self, obs: Any, info: Mapping[str, Any] | None = None) -> int:
        pos = _probe(obs, info, "agent_pos")
        direction = _probe(obs, info, "agent_dir")
        layout = _probe(obs, info, "maze_layout")
        n = layout.shape[0]
        cell = (int(np.clip(pos[0], 0, n - 1)), int(np.clip(pos[1], 0, n - 1)))
        if self.goal is None or cell == self.goal:
            self.goal = self._new_goal(layout, cell)
        action = self.nav.act(pos, direction, layout, self.goal)
        if action is None:  # unreachable (should not happen): pick another goal next step
            self.goal = None
            action = FORWARD
        if self.rng.random() < self.noise:
            action = int(self.rng.integers(N_ACTIONS))
        return int(action)


class OracleAgent(Agent):
    """Drives to the current target (``target_pos``) as fast as the ball allows, again and again.

    Privileged: needs ``agent_pos``, ``agent_dir``, ``maze_layout`` and ``target_pos``
    (and uses ``targets_pos``, when given, to touch each target so that the next one is
    quick to reach), so use it on an ``-ExtraObs`` id (or a ``ProbeObservations``
    wrapper). An estimate of the best score an agent with a perfect memory of the maze
    can get: its driver (:class:`memory_bench.agents.driving.BallDriver`) plans one
    second ahead with a model of the ball's motion along any-angle shortest paths,
    turning while rolling and cutting corners as closely as the ball allows.

    Args:
        seed: accepted for the common interface; the oracle is deterministic.
        **driver: keyword arguments of :class:`~memory_bench.agents.driving.BallDriver`.
    """

    def __init__(self, seed: int | None = None, **driver: Any):
        self.driver = BallDriver(**driver)

    def reset(self) -> None:
        self.driver.reset()

    def act(self, obs: Any, info: Mapping[str, Any] | None = None) -> int:
        pos = _probe(obs, info, "agent_pos")
        direction = _probe(obs, info, "agent_dir")
        layout = _probe(obs, info, "maze_layout")
        target = _probe(obs, info, "target_pos").astype(np.float64)
        try:
            targets = _probe(obs, info, "targets_pos").astype(np.float64)
        except KeyError:
            targets = np.zeros((0, 2))
        others = targets[np.hypot(*(targets - target).T) > 1e-6]
        return self.driver.act(pos, direction, layout, target, others)


def _bfs_distances(floor: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """Path lengths (in steps) from ``start`` (x, y) to every cell; -1 where unreachable."""
    h, w = floor.shape
    dist = -np.ones((h, w), dtype=np.int64)
    dist[start[1], start[0]] = 0
    frontier = [start]
    d = 0
    while frontier:
        d += 1
        nxt = []
        for x, y in frontier:
            for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nx, ny = x + dx, y + dy
                if 0 <= nx < w and 0 <= ny < h and floor[ny, nx] and dist[ny, nx] < 0:
                    dist[ny, nx] = d
                    nxt.append((nx, ny))
        frontier = nxt
    return dist


AGENTS = {"random": RandomAgent, "explorer": ExplorerAgent, "oracle": OracleAgent}


def make_agent(name: str, seed: int | None = None) -> Agent:
    """An agent by name (``"random"``, ``"explorer"``, ``"oracle"``), seeded."""
    if name not in AGENTS:
        raise ValueError(f"unknown policy {name!r}; choose one of {', '.join(AGENTS)}")
    return AGENTS[name](seed=seed)
