"""DMLab-30's NatLab levels: foraging mushrooms on open terrain.

``natlab_fixed_large_map``, ``natlab_varying_map_regrowth`` and
``natlab_varying_map_randomized``: the agent walks a naturalistic landscape of hills and
valleys, with trees, rocks, shrubs and cacti as landmarks, and collects mushrooms
(+1 each) for 120 s.

Facts from DMLab (``game_scripts/factories/natlab_factory.lua``, the three level
files and the DMLab-30 README; read for their facts, our own code):

* Pickups: ``frag_mushroom_desert_01a``, reward 1, static; the factory lifts each
  mushroom's trigger 20 u above its map origin and draws the model 20 u lower, so the
  model stays where the map put it.
* ``fixed_large_map``: one map in three lighting variants (``natlab_forage_ltm_dawn``,
  ``_day``, ``_night``), drawn per episode; the spawn is drawn from the map's spawn
  points. Mushrooms do not regrow.
* ``varying_map_regrowth``: one of 100 maps per episode (``natlab_forage_stm_*``); the
  mushrooms regrow about a minute after they are taken, in the same place.
* ``varying_map_randomized``: one of 100 maps per episode
  (``natlab_forage_variable_*``); no regrowth within an episode.
* Per map (README): topography, and the number, position and size of shrubs, cacti and
  rocks, the time of day (dawn, day, night) and the spawn. Episodes last 120 s.

DMLab's maps are compiled BSP files that its repository does not carry, so the maps
are generated here, with the figures measured on the original maps
(``shared/specs`` 1.16-1.18) where they are known and our choices where they are not:

* Varying maps: a playable square of about 2000 u (ours: 2112 u of terrain, a rim
  rising at the edges), relief up to about 600 u, 10 spawn points; mushrooms 5-27
  (median 19) on regrowth maps, 10-72 (median 38) on randomized maps (ours: a
  triangular distribution with that range and median); regrowth delays: a base per
  mushroom uniform in [48, 72] s, each regrowth waiting base x U[0.5, 1.5] of engine
  time; randomized maps' delays (8000-12000 s) never come due in an episode.
* Fixed map: about 3600 u square (DMLab's overview camera stands at (1800, 1800)); ours
  is 3648 u with 96 mushrooms, generated once from a fixed seed (the same map every
  episode, on every machine).
* Ours: terrain as octave value noise (polynomial interpolation only, heights rounded
  to 1/16 u, so that a seed gives the same map on every machine), slopes kept mostly
  walkable (Quake's 0.7 normal limit is 45.6 degrees); mushrooms in patches of about 6;
  trees, rocks and cacti block the way as boxes, shrubs do not; three lights (dawn, day,
  night) with a matching haze that fades the far view into the sky's colour.

The terrain is a MuJoCo heightfield that the renderer draws and the Quake mover walks
on (each triangle a brush, see :mod:`memory_bench.engine.agents.quake`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mujoco
import numpy as np

from memory_bench.engine.agents import quake
from memory_bench.engine.arena import UNIT
from memory_bench.envs.dmlab.base import DMLabEnv

CELL = 32.0  # u between terrain vertices
VARYING_CELLS, FIXED_CELLS = 66, 114  # terrain cells a side: 2112 u and 3648 u
TERRAIN_TOP = 1400.0  # u, the highest a terrain vertex may be
BASE_HEIGHT = 64.0  # u, the lowest valley floor above the world's floor plane
RIM_WIDTH, RIM_HEIGHT = 192.0, 360.0  # u: the edge of the map rises (steeper than walkable)
PLAYABLE_INSET = RIM_WIDTH + 32.0  # u from the edge: where spawns, mushrooms and landmarks go
MAX_WALK_SLOPE = 0.75  # the 99th percentile of terrain gradients is scaled down to this (36.9 degrees)
OCTAVES = ((1024.0, 1.0), (512.0, 0.5), (256.0, 0.25), (128.0, 0.12))  # (lattice spacing u, weight)
MUSHROOM_LIFT = 20.0  # the factory's PICKUP_VERTICAL_OFFSET
MUSHROOM_HALF = 15.0  # trigger box half width (a Quake item's)
PATCH_RADIUS = 160.0
N_SPAWNS = 10
FIXED_MAP_SEED = 20180601  # the one map of natlab_fixed_large_map
FIXED_MUSHROOMS = 96
REGROW_BASE = (48.0, 72.0)  # s
REGROW_JITTER = 0.5
_NEVER = np.iinfo(np.int64).max  # the next regrowth frame when nothing is pending
NEVER_REGROW = (8000.0, 12000.0)  # s, the randomized maps' delays


@dataclass(frozen=True)
class LevelSpec:
    cells: int
    mushrooms: tuple[int, int, int] | int  # (low, mode, high) of a triangular draw, or a fixed count
    regrow: tuple[float, float] | None  # base delay range (s), None: never
    fixed: bool = False
    spawn_gap: float = 80.0  # u a spawn point keeps from every mushroom
    patch_size: int = 6  # mushrooms a patch


LEVELS = {
    "fixed_large_map": LevelSpec(FIXED_CELLS, FIXED_MUSHROOMS, None, fixed=True, spawn_gap=600.0, patch_size=8),
    "varying_map_regrowth": LevelSpec(VARYING_CELLS, (5, 21, 27), REGROW_BASE),
    "varying_map_randomized": LevelSpec(VARYING_CELLS, (10, 35, 72), NEVER_REGROW),
}
MAX_MUSHROOMS = {"fixed_large_map": FIXED_MUSHROOMS, "varying_map_regrowth": 27, "varying_map_randomized": 72}

# landmarks: count range per map, size range, and (solid half width, solid height) at size 1
LANDMARKS = {
    "tree": ((6, 16), (0.8, 1.4), (10.0, 230.0)),
    "rock": ((6, 14), (0.7, 1.5), (34.0, 46.0)),
    "shrub": ((8, 24), (0.7, 1.3), None),
    "cactus": ((0, 10), (0.8, 1.3), (10.0, 110.0)),
}
MAX_LANDMARKS = {"varying": sum(r[0][1] for r in LANDMARKS.values())}
MAX_LANDMARKS["fixed"] = sum(int(round(r[0][1] * (FIXED_CELLS / VARYING_CELLS) ** 2)) for r in LANDMARKS.values())
_BARK, _LEAF, _LEAF2 = (0.40, 0.27, 0.15), (0.20, 0.45, 0.16), (0.26, 0.52, 0.20)
_STONE, _STONE2, _CACTUS = (0.55, 0.53, 0.50), (0.47, 0.46, 0.44), (0.30, 0.52, 0.28)
#: The mushroom: a cream stem under a red cap (DMLab's desert mushroom model is not ours to copy).
MUSHROOM = (("cylinder", 3.5, 7.0, 0.0, 7.0, (0.93, 0.90, 0.80)),
            ("cylinder", 11.0, 2.5, 0.0, 15.0, (0.82, 0.16, 0.10)),
            ("sphere", 7.0, 0.0, 0.0, 17.5, (0.88, 0.22, 0.14)))


def _landmark_parts(kind: str, s: float) -> tuple:
    if kind == "tree":
        return (("cylinder", 9.0 * s, 75.0 * s, 0.0, 75.0 * s, _BARK),
                ("sphere", 55.0 * s, 0.0, 0.0, 175.0 * s, _LEAF),
                ("sphere", 38.0 * s, 0.0, 12.0 * s, 228.0 * s, _LEAF2))
    if kind == "rock":
        return (("sphere", 40.0 * s, 0.0, 0.0, 8.0 * s, _STONE),
                ("sphere", 26.0 * s, 0.0, 26.0 * s, 6.0 * s, _STONE2))
    if kind == "shrub":
        return (("sphere", 22.0 * s, 0.0, 0.0, 10.0 * s, _LEAF2),
                ("sphere", 15.0 * s, 0.0, 16.0 * s, 8.0 * s, _LEAF))
    if kind == "cactus":
        return (("cylinder", 10.0 * s, 55.0 * s, 0.0, 55.0 * s, _CACTUS),
                ("cylinder", 6.0 * s, 18.0 * s, 20.0 * s, 70.0 * s, _CACTUS),
                ("sphere", 10.0 * s, 0.0, 0.0, 110.0 * s, _CACTUS))
    raise ValueError(f"unknown landmark {kind!r}")


@dataclass(frozen=True)
class Lighting:
    ambient: tuple[float, float, float]
    diffuse: tuple[float, float, float]
    haze: tuple[float, float, float]  # the sky's and far view's colour


LIGHTING = {
    "dawn": Lighting((0.40, 0.32, 0.30), (0.62, 0.45, 0.34), (0.93, 0.66, 0.50)),
    "day": Lighting((0.45, 0.45, 0.45), (0.60, 0.60, 0.57), (0.66, 0.79, 0.93)),
    "night": Lighting((0.13, 0.14, 0.22), (0.22, 0.24, 0.34), (0.05, 0.06, 0.13)),
}
LIGHTINGS = ("dawn", "day", "night")
HAZE = (900.0, 2600.0)  # u: the far view fades into the sky between these distances


@dataclass
class NatLabMap:
    """A generated map: terrain ``heights`` ``(n, n)`` u (vertex ``(j, i)`` at x = ``i`` x
    :data:`CELL`, y = ``j`` x :data:`CELL`), ``mushrooms`` ``(m, 2)`` xy, ``spawns``
    ``(k, 2)`` xy, and ``landmarks`` as (kind, x, y, size)."""

    heights: np.ndarray
    mushrooms: np.ndarray
    spawns: np.ndarray
    landmarks: list[tuple[str, float, float, float]]

    @property
    def size(self) -> float:
        return (self.heights.shape[0] - 1) * CELL


def _smooth(f: np.ndarray) -> np.ndarray:
    return f * f * (3.0 - 2.0 * f)


def value_noise(rng: np.random.Generator, n: int, spacing: float) -> np.ndarray:
    """Random lattice values every ``spacing`` u, interpolated at the ``n x n`` terrain
    vertices with smoothstep weights (only additions and multiplications: the same
    floats on every machine)."""
    k = int(math.ceil((n - 1) * CELL / spacing)) + 2
    lattice = rng.random((k, k))
    t = np.arange(n) * (CELL / spacing)
    i0 = np.floor(t).astype(np.int64)
    w = _smooth(t - i0)
    wy, wx = w[:, None], w[None, :]
    a, b = lattice[i0][:, i0], lattice[i0][:, i0 + 1]
    c, d = lattice[i0 + 1][:, i0], lattice[i0 + 1][:, i0 + 1]
    return (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy


def terrain(rng: np.random.Generator, cells: int, relief: float) -> np.ndarray:
    """Vertex heights (u) of a terrain ``cells`` a side: octave value noise scaled to
    ``relief`` (less where it would be too steep to walk), a rim at the edges."""
    n = cells + 1
    h = sum(wt * value_noise(rng, n, sp) for sp, wt in OCTAVES)
    h = (h - h.min()) / (h.max() - h.min())
    grad = np.concatenate([np.abs(np.diff(h, axis=0)).ravel(), np.abs(np.diff(h, axis=1)).ravel()]) / CELL
    steep = float(np.quantile(grad, 0.99))
    relief = min(relief, MAX_WALK_SLOPE / steep) if steep > 0 else relief
    x = np.arange(n) * CELL
    edge = np.minimum(np.minimum(x[:, None], x[::-1, None]), np.minimum(x[None, :], x[None, ::-1]))
    rim = RIM_HEIGHT * _smooth(np.clip((RIM_WIDTH - edge) / RIM_WIDTH, 0.0, 1.0))
    z = BASE_HEIGHT + relief * h + rim
    return np.round(z * 16.0) / 16.0


def ground(heights: np.ndarray, x: float, y: float) -> float:
    """The terrain's height (u) at point (x, y), on the triangle MuJoCo draws there."""
    n = heights.shape[0]
    fx, fy = x / CELL, y / CELL
    i = min(n - 2, max(0, int(fx)))
    j = min(n - 2, max(0, int(fy)))
    u, v = fx - i, fy - j
    z00, z10, z01, z11 = heights[j, i], heights[j, i + 1], heights[j + 1, i], heights[j + 1, i + 1]
    if u >= v:  # the lower triangle (0, 0) (1, 0) (1, 1)
        return float(z00 + u * (z10 - z00) + v * (z11 - z10))
    return float(z00 + v * (z01 - z00) + u * (z11 - z01))


def slope(heights: np.ndarray, x: float, y: float) -> float:
    """The steepest gradient of the cell under (x, y)."""
    n = heights.shape[0]
    i = min(n - 2, max(0, int(x / CELL)))
    j = min(n - 2, max(0, int(y / CELL)))
    c = heights[j: j + 2, i: i + 2]
    return float(max(abs(c[0, 1] - c[0, 0]), abs(c[1, 1] - c[1, 0]), abs(c[1, 0] - c[0, 0]), abs(c[1, 1] - c[0, 1])) / CELL)


def _draw_points(rng, heights, count, min_gap, avoid=(), centres=None, radius=0.0, tries=4000):
    """Up to ``count`` walkable points of the playable square at least ``min_gap``
    apart and clear of each ``(x, y, gap)`` of ``avoid``; around ``centres`` (in turn)
    within ``radius`` if given."""
    size = (heights.shape[0] - 1) * CELL
    lo, hi = PLAYABLE_INSET, size - PLAYABLE_INSET
    out: list[tuple[float, float]] = []
    keep_off = np.array([tuple(p) for p in avoid], dtype=np.float64).reshape(-1, 3)
    for _ in range(tries):
        if len(out) == count:
            break
        if centres is None:
            x, y = rng.uniform(lo, hi, size=2)
        else:
            cx, cy = centres[len(out) % len(centres)]
            dx, dy = rng.uniform(-radius, radius, size=2)
            if dx * dx + dy * dy > radius * radius:
                continue
            x, y = cx + dx, cy + dy
            if not (lo <= x <= hi and lo <= y <= hi):
                continue
        if slope(heights, x, y) > MAX_WALK_SLOPE:
            continue
        if any((x - a) ** 2 + (y - b) ** 2 < min_gap * min_gap for a, b in out):
            continue
        if len(keep_off) and (((keep_off[:, 0] - x) ** 2 + (keep_off[:, 1] - y) ** 2) < keep_off[:, 2] ** 2).any():
            continue
        out.append((float(x), float(y)))
    return out


def generate(level: str, rng: np.random.Generator) -> NatLabMap:
    """A map of ``level`` (see :data:`LEVELS`) drawn from ``rng``."""
    spec = LEVELS[level]
    relief = 1.0 * rng.uniform(300.0, 650.0)
    heights = terrain(rng, spec.cells, relief)
    scale = (spec.cells / VARYING_CELLS) ** 2  # landmarks per area
    landmarks: list[tuple[str, float, float, float]] = []
    for kind, ((lo, hi), (s0, s1), _solid) in LANDMARKS.items():
        n = int(round(int(rng.integers(lo, hi + 1)) * scale))
        pts = _draw_points(rng, heights, n, 90.0, avoid=[(x, y, 90.0) for _, x, y, _ in landmarks])
        landmarks += [(kind, x, y, float(rng.uniform(s0, s1))) for x, y in pts]
    if isinstance(spec.mushrooms, int):
        count = spec.mushrooms
    else:
        lo, mode, hi = spec.mushrooms
        count = int(round(rng.triangular(lo, mode, hi)))
    blocked = [(x, y) for kind, x, y, _ in landmarks if LANDMARKS[kind][2] is not None]
    patches = _draw_points(rng, heights, max(1, -(-count // spec.patch_size)), 2 * PATCH_RADIUS,
                           avoid=[(x, y, 80.0) for x, y in blocked])
    mushrooms = _draw_points(rng, heights, count, 48.0, avoid=[(x, y, 70.0) for x, y in blocked], centres=patches,
                             radius=PATCH_RADIUS)
    spawns = _draw_points(rng, heights, N_SPAWNS, 300.0,
                          avoid=[(x, y, 80.0) for x, y in blocked] + [(x, y, spec.spawn_gap) for x, y in mushrooms])
    return NatLabMap(heights, np.array(mushrooms, dtype=np.float64).reshape(-1, 2),
                     np.array(spawns, dtype=np.float64).reshape(-1, 2), landmarks)


@lru_cache(maxsize=1)
def fixed_map() -> NatLabMap:
    """The one map of ``natlab_fixed_large_map`` (generated once from a fixed seed)."""
    return generate("fixed_large_map", np.random.default_rng(FIXED_MAP_SEED))


class NatLab(DMLabEnv):
    """DMLab-30 ``natlab_*``: forage mushrooms on a naturalistic terrain.

    ## Description
    The agent walks an open landscape (hills and valleys, a rim of steep slopes at the
    edge) with trees, rocks, shrubs and cacti as landmarks, and collects mushrooms. On
    ``fixed_large_map`` the map is the same every episode (only the light and the spawn
    change), so an agent can learn where the mushrooms are; on ``varying_map_regrowth``
    a new map is drawn every episode and mushrooms regrow about a minute after they are
    taken, so remembering depleted patches pays; on ``varying_map_randomized`` a new map
    is drawn and mushrooms never regrow, so the agent must remember where it has been.
    See the module docstring for the maps.

    ## Observation and Action Space
    As every DMLab-style level (:class:`DMLabEnv`); jumping and crouching work through
    the raw action set.

    ## Rewards
    +1 per mushroom.

    ## Episode End
    Truncated after 120 s (7200 frames; 1800 steps at ``action_repeat=4``).

    ## Arguments
    ``level``: one of :data:`LEVELS`; :class:`DMLabEnv`'s keyword arguments.

    ## Version History
    * v0: first version (2026-12).
    """

    episode_seconds = 120.0
    map_shape = (0, 0)

    def __init__(self, level: str = "varying_map_randomized", **kwargs: Any):
        if level not in LEVELS:
            raise ValueError(f"unknown natlab level {level!r}; choose one of {sorted(LEVELS)}")
        self.level = level
        self.level_spec = LEVELS[level]
        self.n_mushrooms = MAX_MUSHROOMS[level]
        self.n_landmarks = MAX_LANDMARKS["fixed" if self.level_spec.fixed else "varying"]
        self.n_items = self.n_mushrooms + self.n_landmarks
        self._terrain_cfg = (self.level_spec.cells + 1, CELL, TERRAIN_TOP)
        super().__init__(**kwargs)
        self._regrow_at = np.full(self.n_mushrooms, -1, dtype=np.int64)  # frame a taken mushroom regrows (-1: never)
        self._regrow_base = np.zeros(self.n_mushrooms)
        self._mushroom_pos = np.zeros((self.n_mushrooms, 3))  # mocap position (m) of each mushroom when shown

    def _arena_config_extra(self) -> dict[str, Any]:
        return {"terrain": self._terrain_cfg}

    # ------------------------------------------------------------------ episode
    def _new_episode(self, rng: np.random.Generator) -> None:
        level_map = fixed_map() if self.level_spec.fixed else generate(self.level, rng)
        self.natlab_map = level_map
        self.lighting = LIGHTINGS[int(rng.integers(len(LIGHTINGS)))]
        self._set_lighting(LIGHTING[self.lighting])
        hz = level_map.heights
        self.arena.set_terrain(hz)
        self._renderer_terrain_colors(hz)
        self._hz = hz
        self._hg = np.array([0.0, 0.0, CELL])
        size = level_map.size
        wall = 64.0
        boxes = [(-wall, -wall, -1e4, 0.0, size + wall, 1e4), (size, -wall, -1e4, size + wall, size + wall, 1e4),
                 (-wall, -wall, -1e4, size + wall, 0.0, 1e4), (-wall, size, -1e4, size + wall, size + wall, 1e4)]
        for k in range(self.n_items):
            self.arena.set_item(k, None)
            self._active[k] = False
        for k, (kind, x, y, s) in enumerate(level_map.landmarks):
            z = min(ground(hz, x + dx, y + dy) for dx in (-8.0, 8.0) for dy in (-8.0, 8.0))
            self.arena.set_item(self.n_mushrooms + k, _landmark_parts(kind, s), (x, y), z_units=z)
            solid = LANDMARKS[kind][2]
            if solid is not None:
                half, top = solid[0] * s, solid[1] * s
                boxes.append((x - half, y - half, z - 64.0, x + half, y + half, z + top))
        self._boxes = np.array(boxes, dtype=np.float64)
        m = len(level_map.mushrooms)
        self.mushroom_count = m
        self._regrow_at[:] = -1
        self._next_regrow = _NEVER
        if self.level_spec.regrow is not None:
            self._regrow_base[:m] = rng.uniform(*self.level_spec.regrow, size=m)
        for k, (x, y) in enumerate(level_map.mushrooms):
            z = ground(hz, x, y)
            self.arena.set_item(k, MUSHROOM, (x, y), z_units=z)
            self._mushroom_pos[k] = (x * UNIT, y * UNIT, z * UNIT)
            self._items[k] = (x, y, z + MUSHROOM_LIFT, MUSHROOM_HALF)
            self._active[k] = True
        self.arena.commit_items()
        sx, sy = level_map.spawns[int(rng.integers(len(level_map.spawns)))]
        self._spawn_at(sx, sy, float(rng.uniform(0.0, 360.0)), z=quake.rest_height(sx, sy, hz, self._hg, self._boxes))
        self.collected = 0

    def _set_lighting(self, light: Lighting) -> None:
        m = self.arena.model
        m.vis.headlight.ambient = light.ambient
        m.vis.headlight.diffuse = light.diffuse
        set_fog = getattr(self._renderer, "set_fog", None)
        if set_fog is not None:
            set_fog(HAZE[0] * UNIT, HAZE[1] * UNIT, light.haze)

    def _renderer_terrain_colors(self, hz: np.ndarray) -> None:
        set_colors = getattr(self._renderer, "set_terrain_colors", None)
        if set_colors is not None:
            set_colors(terrain_colors(hz))

    def _on_pickup(self, slot: int) -> float:
        self._collect(slot)
        self.collected += 1
        if self.level_spec.regrow is not None:
            delay = self._regrow_base[slot] * float(self.np_random.uniform(1.0 - REGROW_JITTER, 1.0 + REGROW_JITTER))
            at = self.frames + int(round(delay / quake.FRAME_TIME))  # engine time, 16 ms a frame
            self._regrow_at[slot] = at
            self._next_regrow = min(self._next_regrow, at)
        return 1.0

    def _after_frames(self) -> float:
        if self.frames < self._next_regrow:  # the common case: nothing regrows yet
            return 0.0
        due = (self._regrow_at >= 0) & (self._regrow_at <= self.frames)
        d = self.arena.data
        for k in np.flatnonzero(due):
            d.mocap_pos[self.arena.item_mocap[k]] = self._mushroom_pos[k]
            self._active[k] = True
            self._regrow_at[k] = -1
        mujoco.mj_kinematics(self.arena.model, d)
        pending = self._regrow_at[self._regrow_at >= 0]
        self._next_regrow = int(pending.min()) if pending.size else _NEVER
        return 0.0

    def _level_info(self) -> dict[str, Any]:
        return {"lighting": self.lighting, "mushrooms": int(self._active[: self.mushroom_count].sum()),
                "collected": int(self.collected)}


def terrain_colors(heights: np.ndarray) -> np.ndarray:
    """Per-vertex colours of a terrain: grass in the valleys turning to dry grass and
    sand higher up, bare rock where it is steep."""
    z = (heights - heights.min()) / max(1e-9, float(np.ptp(heights)))
    gy, gx = np.gradient(heights, CELL)
    steep = np.clip((np.hypot(gx, gy) - 0.45) / 0.5, 0.0, 1.0)[..., None]
    grass = np.array([0.30, 0.50, 0.20])
    dry = np.array([0.62, 0.58, 0.36])
    rock = np.array([0.50, 0.47, 0.43])
    t = np.clip(z * 1.4 - 0.2, 0.0, 1.0)[..., None]
    return (grass * (1 - t) + dry * t) * (1 - steep) + rock * steep


class NatLabForager:
    """A privileged forager (it reads the mushrooms from the env): walks to the nearest
    standing mushroom; where none stands it waits at the one that regrows first. When
    it stops making way (a tree or a rock in the path) it backs off and turns for a
    moment."""

    STUCK_STEPS = 6
    UNSTICK_STEPS = 8

    def reset(self, env=None) -> None:
        self._slow = 0
        self._unstick = 0

    def act(self, env) -> int:
        from memory_bench.agents.dmlab import LOOK_LEFT, steer

        env = env.unwrapped
        st = env._state
        if self._unstick > 0:
            self._unstick -= 1
            return 1 if self._unstick > self.UNSTICK_STEPS // 2 else LOOK_LEFT  # back off, then turn
        m = env.mushroom_count
        pos = st[quake.X: quake.Y + 1]
        standing = np.flatnonzero(env._active[:m])
        if len(standing):
            d = np.hypot(*(env._items[standing, :2] - pos).T)
            target = env._items[standing[int(np.argmin(d))], :2]
        else:
            pending = np.flatnonzero(env._regrow_at[:m] >= 0)
            if not len(pending):
                return LOOK_LEFT  # all taken for good
            target = env._items[pending[int(np.argmin(env._regrow_at[pending]))], :2]
            if np.hypot(*(target - pos)) < 10.0:
                return LOOK_LEFT  # wait on the spot
        speed = float(np.hypot(st[quake.VX], st[quake.VY]))
        self._slow = self._slow + 1 if speed < 60.0 else 0
        if self._slow > self.STUCK_STEPS:
            self._slow = 0
            self._unstick = self.UNSTICK_STEPS
        return steer(env, target)
