"""Model-predictive driving of Memory Maze's rolling ball: the :class:`OracleAgent`'s driver.

The ball's motion, per 0.25 s control step, in grid cells (measured on this package's
physics, which follows the original's; ``tests/test_agents.py`` checks every figure
against the env):

* **Roll.** Top speed 0.25 cells a step (``V_MAX``). The speed follows a first-order
  lag: a step's mean speed closes ``1 - AVG_LAG`` (44.5 %) of the gap between the speed
  it starts with and the commanded one (0 or ``V_MAX``), its end speed ``1 - END_LAG``
  (73.3 %). From rest a forward step covers 0.111 cells, the next 0.219.
* **Steer.** 18.3 degrees a step at full steer (``OMEGA``), whether the ball rolls or
  not, so turning while rolling costs no speed; a change of steer shows ``1 -
  TURN_LAG`` (78.5 %) of itself in its first step. The ball moves along its heading.
* **Contact.** Only the ball (radius 0.1 cells, ``BALL``) collides with walls; a target
  is touched when the ball's centre comes within 0.387 cells of the target's centre
  (the target sphere's 0.3 cells and the ball's 0.1, at their heights).

Planning, each step:

1. A geodesic distance field to each target's touch circle (``TOUCH``, 0.37 cells, a
   little inside 0.387), computed once per target and layout: Dijkstra over a grid of
   ``K`` = 8 nodes per cell with a 16-neighbour stencil (paths at any angle, within 1 %
   of straight lines), where the cost per unit length is 1 at least ``clear`` (0.2
   cells) from walls, rises to 5 where the ball would touch a wall, and is 1000 inside
   one. So the field's descent is the shortest any-angle path that cuts corners as
   closely as the ball allows.
2. Every sequence of ``depth`` (4) actions out of forward, forward-left, forward-right,
   left and right (625 sequences, one second of driving) is rolled out with the
   kinematic model above. A sequence pays 50 for each step whose arc comes within
   ``BALL + margin`` of a wall. One that touches the target costs its touch time plus
   the mean time from its touch state to the other targets (their field distance at top
   speed and ``w_after_head`` times the turn towards them; relative to the best touching
   sequence's), as the next target is one of them, drawn at random. Any other costs
   ``depth`` steps plus the field distance left at top speed plus ``w_speed`` times its
   speed deficit.
3. The first action of the cheapest sequence is played.

The speed at the start of a step is not observed; the driver infers it from the last
step's displacement and action with the model. Should the ball not move for
``STUCK_STEPS`` steps (wedged where the model sees a way), it turns left for 4 steps. Everything is deterministic: the same
observations give the same actions.
"""

from __future__ import annotations

import heapq
import math

import numba as nb
import numpy as np

from memory_bench.envs.memory_maze import ACTION_NAMES, ACTIONS

#: the env's actions, in its order (:data:`memory_bench.envs.memory_maze.ACTION_NAMES`)
NOOP, FORWARD, LEFT, RIGHT, FORWARD_LEFT, FORWARD_RIGHT = range(len(ACTION_NAMES))
#: each action's roll (1: forward) and steer (+1: turn left, counter-clockwise), from
#: the env's motor controls (whose forward roll and left steer are -1)
ROLL = -ACTIONS[:, 0]
STEER = -ACTIONS[:, 1]

V_MAX = 0.25  # cells a step, the roll motor's top speed
OMEGA = math.radians(18.3)  # heading change a step at full steer
AVG_LAG = 0.555  # share of the speed gap that remains in a step's mean speed
END_LAG = 0.267  # ... at the step's end
TURN_LAG = 0.215  # share of a steer change that is still missing in its first step
BALL = 0.1  # cells: the ball's radius
TOUCH = 0.37  # cells from a target's centre: the field's zero (touching is at 0.387)
K = 8  # field nodes per cell
STUCK_STEPS = 8  # steps without motion after which the driver turns away for 4 steps

_STENCIL = np.array(
    [(dy, dx, math.hypot(dx, dy)) for dy in range(-2, 3) for dx in range(-2, 3)
     if (dx, dy) != (0, 0) and math.gcd(abs(dx), abs(dy)) == 1],
    dtype=np.float64,
)


@nb.njit(cache=True)
def _dijkstra(cost: np.ndarray, dist: np.ndarray, stencil: np.ndarray) -> np.ndarray:
    """Shortest path lengths (node units) over ``cost`` from the finite entries of ``dist``."""
    h, w = cost.shape
    heap = [(0.0, 0)]
    heap.pop()
    for i in range(h):
        for j in range(w):
            if dist[i, j] < 1e30:
                heap.append((dist[i, j], i * w + j))
    heapq.heapify(heap)
    done = np.zeros((h, w), dtype=np.bool_)
    while len(heap) > 0:
        d, k = heapq.heappop(heap)
        i, j = k // w, k % w
        if done[i, j]:
            continue
        done[i, j] = True
        for n in range(stencil.shape[0]):
            ni = i + int(stencil[n, 0])
            nj = j + int(stencil[n, 1])
            if ni < 0 or nj < 0 or ni >= h or nj >= w or done[ni, nj]:
                continue
            nd = d + stencil[n, 2] * 0.5 * (cost[i, j] + cost[ni, nj])
            if nd < dist[ni, nj]:
                dist[ni, nj] = nd
                heapq.heappush(heap, (nd, ni * w + nj))
    return dist


@nb.njit(cache=True, inline="always")
def _wall_distance(floor: np.ndarray, x: float, y: float) -> float:
    """Distance from ``(x, y)`` (cells) to the nearest wall cell (outside the maze counts)."""
    n_y, n_x = floor.shape
    cx, cy = int(math.floor(x)), int(math.floor(y))
    best = 9.0
    for gy in range(cy - 1, cy + 2):
        for gx in range(cx - 1, cx + 2):
            if 0 <= gx < n_x and 0 <= gy < n_y and floor[gy, gx]:
                continue
            ex = max(gx - x, x - (gx + 1), 0.0)
            ey = max(gy - y, y - (gy + 1), 0.0)
            best = min(best, math.hypot(ex, ey))
    return best


@nb.njit(cache=True, inline="always")
def _sample(d: np.ndarray, x: float, y: float) -> float:
    """Bilinear value of a field at ``(x, y)`` (cells)."""
    h, w = d.shape
    fx = min(max(x * K - 0.5, 0.0), w - 1.001)
    fy = min(max(y * K - 0.5, 0.0), h - 1.001)
    j, i = int(fx), int(fy)
    ax, ay = fx - j, fy - i
    return (d[i, j] * (1 - ax) + d[i, j + 1] * ax) * (1 - ay) + (d[i + 1, j] * (1 - ax) + d[i + 1, j + 1] * ax) * ay


@nb.njit(cache=True, inline="always")
def _descent(d: np.ndarray, x: float, y: float) -> float:
    """Direction (radians) of a field's steepest descent at ``(x, y)``."""
    e = 0.05
    gx = _sample(d, x + e, y) - _sample(d, x - e, y)
    gy = _sample(d, x, y + e) - _sample(d, x, y - e)
    return math.atan2(-gy, -gx)


@nb.njit(cache=True, inline="always")
def _wrap(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


@nb.njit(cache=True)
def _plan(x0, y0, th0, v0, s0, rolls, steers, floor, field, tx, ty, others, n_others, params):
    """The index of the cheapest action sequence (see the module doc); ``rolls`` and
    ``steers`` are ``(n, depth)``; ``others`` holds ``n_others`` fields."""
    v_max, omega, avg_lag, end_lag, turn_lag, near, touch_r, w_speed, w_after, w_after_head, w_reverse = params
    n, depth = rolls.shape
    cost = np.empty(n)
    after = np.full(n, np.inf)
    best_after = np.inf
    for q in range(n):
        x, y, th, v, sp = x0, y0, th0, v0, s0
        c = w_reverse if steers[q, 0] * s0 < 0.0 else 0.0  # against the last steer: no dithering
        done = False
        for t in range(depth):
            roll = rolls[q, t] * v_max
            steer = steers[q, t]
            dth = omega * (steer + (sp - steer) * turn_lag)
            dist = roll + (v - roll) * avg_lag
            v = roll + (v - roll) * end_lag
            hit = False
            touched = False
            for f in (0.5, 1.0):
                a = th + dth * f * 0.5
                px = x + math.cos(a) * dist * f
                py = y + math.sin(a) * dist * f
                if _wall_distance(floor, px, py) < near:
                    hit = True
                if math.hypot(px - tx, py - ty) < touch_r:
                    touched = True
            a = th + dth * 0.5
            x += math.cos(a) * dist
            y += math.sin(a) * dist
            th += dth
            sp = steer
            if hit:
                c += 50.0
            if touched:
                c += t + 0.5
                done = True
                break
        if done:
            if n_others > 0 and w_after > 0.0:
                s = 0.0
                for k in range(n_others):
                    err = abs(_wrap(_descent(others[k], x, y) - th))
                    s += _sample(others[k], x, y) / v_max + w_after_head * err / omega
                after[q] = s / n_others
                best_after = min(best_after, after[q])
        else:
            c += depth + _sample(field, x, y) / v_max + w_speed * (v_max - v) / v_max
        cost[q] = c
    best, best_q = np.inf, 0
    for q in range(n):
        c = cost[q]
        if after[q] < np.inf:
            c += w_after * (after[q] - best_after)
        if c < best:
            best, best_q = c, q
    return best_q


@nb.njit(cache=True)
def _path_costs(floor: np.ndarray, clear: float) -> np.ndarray:
    n_y, n_x = floor.shape
    out = np.empty((n_y * K, n_x * K))
    for i in range(n_y * K):
        for j in range(n_x * K):
            wd = _wall_distance(floor, (j + 0.5) / K, (i + 0.5) / K)
            out[i, j] = 1.0 if wd >= clear else (1.0 + 4.0 * (clear - wd) / (clear - BALL) if wd >= BALL else 1000.0)
    return out


def path_costs(floor: np.ndarray, clear: float = 0.2) -> np.ndarray:
    """Cost per unit length at each field node of a layout (``floor[y, x]``; see the module doc)."""
    return _path_costs(np.ascontiguousarray(floor, dtype=np.bool_), float(clear))


def distance_field(costs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Geodesic distance (cells) from each field node to the touch circle of ``target``."""
    h, w = costs.shape
    ys, xs = np.mgrid[0:h, 0:w]
    d0 = np.hypot((xs + 0.5) / K - target[0], (ys + 0.5) / K - target[1]) - TOUCH
    start = np.where(d0 <= 0.0, 0.0, np.where(d0 < 1.5 / K, d0 * K, 1e31))
    return _dijkstra(costs, start.astype(np.float64), _STENCIL) / K


class BallDriver:
    """Drives the ball to a target by model-predictive search (see the module doc).

    Args:
        depth: steps looked ahead (``5 ** depth`` sequences a step).
        margin: cells kept between the ball and the walls in the predicted arcs.
        clear: distance from walls (cells) beyond which a path pays no extra cost.
        w_speed: weight of the speed deficit at the horizon (steps per full deficit).
        w_after: weight of the mean time to the other targets after a touch.
        w_after_head: weight of the turn towards the other targets after a touch.
        w_reverse: cost (steps) of steering against the last step's steer, so that two
            near-equal ways round do not make the ball dither between them.
    """

    ACTIONS = (FORWARD, FORWARD_LEFT, FORWARD_RIGHT, LEFT, RIGHT)

    def __init__(self, depth: int = 4, margin: float = 0.03, clear: float = 0.2, w_speed: float = 1.0,
                 w_after: float = 1.0, w_after_head: float = 0.25, w_reverse: float = 0.5):
        if depth < 1:
            raise ValueError(f"depth must be >= 1; got {depth!r}")
        self.depth = depth
        self.margin, self.clear = margin, clear
        seqs = np.array(np.meshgrid(*[np.array(self.ACTIONS)] * depth, indexing="ij")).reshape(depth, -1).T
        self._first = seqs[:, 0].copy()
        self._rolls = np.ascontiguousarray(ROLL[seqs])
        self._steers = np.ascontiguousarray(STEER[seqs])
        self._params = np.array([V_MAX, OMEGA, AVG_LAG, END_LAG, TURN_LAG, BALL + margin, TOUCH,
                                 w_speed, w_after, w_after_head, w_reverse])
        self.reset()

    def reset(self) -> None:
        """Forgets the layout, its fields and the last step (call at each episode start)."""
        self._layout_key: bytes | None = None
        self._floor: np.ndarray | None = None
        self._costs: np.ndarray | None = None
        self._fields: dict[tuple[float, float], np.ndarray] = {}
        self._others_key: bytes | None = None
        self._others = np.zeros((1, 1, 1))
        self._last_pos: np.ndarray | None = None
        self._last_action = NOOP
        self._still = 0  # steps without motion
        self._unstick = 0  # steps of turning left still to play

    def field(self, target: np.ndarray) -> np.ndarray:
        """The distance field of ``target`` (cells) in the current layout."""
        key = (round(float(target[0]), 4), round(float(target[1]), 4))
        f = self._fields.get(key)
        if f is None:
            f = self._fields[key] = distance_field(self._costs, np.asarray(target, dtype=np.float64))
        return f

    def act(self, pos: np.ndarray, direction: np.ndarray, layout: np.ndarray, target: np.ndarray,
            others: np.ndarray | None = None) -> int:
        """The action towards ``target`` from ``pos`` facing ``direction`` (grid units);
        ``others``: ``(m, 2)`` positions of the targets that may come next."""
        key = layout.tobytes()
        if key != self._layout_key:
            self._layout_key = key
            self._floor = np.ascontiguousarray(np.asarray(layout) != 0)
            self._costs = path_costs(self._floor, self.clear)
            self._fields = {}
            self._others_key = None
            self._last_pos = None
        pos = np.asarray(pos, dtype=np.float64)
        theta = math.atan2(float(direction[1]), float(direction[0]))
        if self._last_pos is not None:
            moved = pos - self._last_pos
            self._still = self._still + 1 if math.hypot(*moved) < 0.005 else 0
            along = max(0.0, float(moved[0] * direction[0] + moved[1] * direction[1]))
            roll = ROLL[self._last_action] * V_MAX
            v = roll + (along - roll) * (END_LAG / AVG_LAG)  # the end speed that gives this mean
        else:
            v = 0.0
        others = np.zeros((0, 2)) if others is None else np.asarray(others, dtype=np.float64).reshape(-1, 2)
        okey = others.round(4).tobytes()
        if okey != self._others_key:  # the others' fields, stacked once per set of targets
            self._others_key = okey
            self._others = np.array([self.field(o) for o in others]) if len(others) else np.zeros((1, 1, 1))
        fields = self._others
        q = _plan(float(pos[0]), float(pos[1]), theta, v, float(STEER[self._last_action]),
                  self._rolls, self._steers, self._floor, self.field(target), float(target[0]), float(target[1]),
                  fields, len(others), self._params)
        action = int(self._first[q])
        if self._still >= STUCK_STEPS and self._unstick == 0:  # wedged where the model sees a way: turn away
            self._unstick, self._still = 4, 0
        if self._unstick > 0:
            self._unstick -= 1
            action = LEFT
        self._last_pos = pos.copy()
        self._last_action = action
        return action
