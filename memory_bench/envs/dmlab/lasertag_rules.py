"""Laser tag's rules: Quake III Arena's deathmatch as DMLab plays it, for the LaserTag
levels (:mod:`memory_bench.envs.dmlab.lasertag`).

DMLab's laser tag is Quake III's free-for-all deathmatch with the weapons renamed
"gadgets" and health renamed "shield"; the figures below are Quake III's
(``engine/code/game``: ``g_weapon.c``, ``bg_pmove.c``'s ``PM_Weapon``, ``g_items.c``,
``g_combat.c``, ``g_client.c``, ``g_active.c``), read for their facts:

* A player spawns with 125 shield (the maximum 100 + 25) and the Rapid gadget with 100
  charges; shield and armour above 100 count down by 1 a second.
* Gadgets (damage, ms between shots, charges on pickup): Impulse (contact, 50, 400,
  unlimited: Quake's gauntlet), Rapid (7, 100: the machine gun, 1.4 degrees of
  spread), Orb (a projectile at 900 u/s: 100 on a direct hit, up to 100 splash within
  120 u, 800, 10: the rocket launcher), Beam (8, 50, 100, reaching 768 u: the lightning
  gun), Disc (100, 1500, 10: the railgun).
* Damage goes to armour first: it takes ceil(0.66 x damage) (``ARMOR_PROTECTION``),
  the shield the rest. A splash on oneself does half damage.
* A player whose shield drops to 0 or below is tagged: the tagger scores +1
  (``TAG_PLAYER``), a player who tags itself scores -1 (``TAG_SELF``). The tagged
  player respawns 1.7 s later (``respawnTime``) when it presses fire, or at the latest
  after 20 s (``g_forcerespawn``), at a random one of the farther half of the spawn
  points from where it fell.
* Pickups: large health +50 shield up to 100 (not taken at 100 or more), combat armour
  +50 armour up to 200; they come back after 35 s and 25 s, gadgets after 5 s. A
  gadget picked up is selected at once (DMLab's actions cannot switch gadgets); when a
  gadget runs out of charges the player falls back to Rapid, then Impulse.
* A match ends at 100 tags.

Not reproduced: knockback, the railgun passing through several players, gadget
switch delays, falling damage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from memory_bench.engine.agents import quake

MAX_SHIELD = 100
SPAWN_SHIELD = 125
MAX_ARMOR = 200
ARMOR_PROTECTION = 0.66
RESPAWN_MS = 1700
FORCE_RESPAWN_MS = 20000
TAG_LIMIT = 100
SELF_SPLASH = 0.5
EYE = quake.VIEW_HEIGHT  # the muzzle: the eye, 26 u above the origin


@dataclass(frozen=True)
class Gadget:
    name: str
    damage: float
    period_ms: int
    charges: int  # on pickup (-1: unlimited)
    kind: str  # "contact", "hitscan", "projectile"
    reach: float = 8192.0  # u
    spread_deg: float = 0.0
    splash: float = 0.0
    splash_radius: float = 0.0
    speed: float = 0.0


GADGETS = (
    Gadget("impulse", 50.0, 400, -1, "contact", reach=32.0),
    Gadget("rapid", 7.0, 100, 100, "hitscan", spread_deg=math.degrees(200.0 / 8192.0)),
    Gadget("orb", 100.0, 800, 10, "projectile", splash=100.0, splash_radius=120.0, speed=900.0),
    Gadget("beam", 8.0, 50, 100, "hitscan", reach=768.0),
    Gadget("disc", 100.0, 1500, 10, "hitscan"),
)
GADGET_NAMES = tuple(g.name for g in GADGETS)
IMPULSE, RAPID, ORB, BEAM, DISC = range(5)
PICKUP_WEAPONS = (ORB, BEAM, DISC)  # weapon_rocketlauncher, weapon_lightning, weapon_railgun
HEALTH, ARMOR = "health_large", "armor_combat"
ITEM_AMOUNT = {HEALTH: 50, ARMOR: 50}
RESPAWN_S = {HEALTH: 35.0, ARMOR: 25.0, "weapon": 5.0}
PREFERENCE = (DISC, ORB, BEAM, RAPID, IMPULSE)  # which gadget a player falls back to first


@nb.njit(cache=True)
def ray_hit(ox, oy, oz, dx, dy, dz, max_t, solid, cell, boxes, skip):
    """The first thing a ray (unit direction d) meets within ``max_t`` u: (t, k) with
    ``k`` the row of ``boxes`` (players' boxes ``x0 y0 z0 x1 y1 z1``) it hits, or -1
    for a wall cell of ``solid`` (``cell`` u square, row 0 at the top), the floor
    (z = 0) or nothing (t = max_t). Box ``skip`` (the shooter) is ignored; walls
    are as tall as the sky (a shot never passes over one)."""
    best = max_t
    hit = -1
    if dz < 0.0:
        t = -oz / dz
        if t < best:
            best = t
    h, w = solid.shape
    cx = int(math.floor(ox / cell))
    cy = int(math.floor(oy / cell))
    step_x = 1 if dx > 0 else -1
    step_y = 1 if dy > 0 else -1
    idx = 1.0 / dx if abs(dx) > 1e-12 else 1e30
    idy = 1.0 / dy if abs(dy) > 1e-12 else 1e30
    tmx = ((cx + (1 if dx > 0 else 0)) * cell - ox) * idx if abs(dx) > 1e-12 else 1e30
    tmy = ((cy + (1 if dy > 0 else 0)) * cell - oy) * idy if abs(dy) > 1e-12 else 1e30
    tdx = cell * abs(idx)
    tdy = cell * abs(idy)
    t_cell = 0.0
    while t_cell < best:
        row = h - 1 - cy
        if cx < 0 or cx >= w or row < 0 or row >= h or solid[row, cx]:
            best = t_cell
            break
        if tmx < tmy:
            t_cell = tmx
            cx += step_x
            tmx += tdx
        else:
            t_cell = tmy
            cy += step_y
            tmy += tdy
    for k in range(boxes.shape[0]):
        if k == skip:
            continue
        t0 = 0.0
        t1 = best
        ok = True
        for a in range(3):
            o = ox if a == 0 else (oy if a == 1 else oz)
            d = dx if a == 0 else (dy if a == 1 else dz)
            lo = boxes[k, a]
            hi = boxes[k, a + 3]
            if abs(d) < 1e-12:
                if o < lo or o > hi:
                    ok = False
                    break
                continue
            ta = (lo - o) / d
            tb = (hi - o) / d
            if ta > tb:
                ta, tb = tb, ta
            t0 = max(t0, ta)
            t1 = min(t1, tb)
            if t0 > t1:
                ok = False
                break
        if ok and t0 < best:
            best = t0
            hit = k
    return best, hit


def view_direction(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """The unit view vector of Quake's (yaw, pitch) (pitch positive looks down)."""
    cy, sy = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    cp, sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    return np.array([cp * cy, cp * sy, -sp])


def spread(direction: np.ndarray, degrees: float, rng: np.random.Generator) -> np.ndarray:
    """``direction`` turned by Quake's bullet spread: a random offset of up to
    ``degrees`` on each of the view's right and up axes."""
    if degrees <= 0.0:
        return direction
    f = direction
    right = np.array([f[1], -f[0], 0.0])
    n = np.linalg.norm(right)
    right = right / n if n > 1e-9 else np.array([0.0, -1.0, 0.0])
    up = np.cross(right, f)
    t = math.tan(math.radians(degrees))
    r, u = rng.uniform(-1.0, 1.0, size=2) * t
    d = f + r * right + u * up
    return d / np.linalg.norm(d)


class Player:
    """One player's game state (the agent or a bot): its movement state, shield,
    armour, gadgets and their charges, score, and death."""

    def __init__(self, index: int):
        self.index = index
        self.state, self.flags = quake.new_state()
        self.score = 0
        self.tagged = 0
        self.alive = False
        self.dead_ms = 0  # engine ms since tagged
        self.weapon_time = 0.0
        self.shield = SPAWN_SHIELD
        self.armor = 0
        self.charges = np.zeros(len(GADGETS), dtype=np.int64)
        self.gadget = RAPID
        self.tick_ms = 0  # engine ms toward the next second of shield count-down
        self.fire_held = False

    def spawn(self, x: float, y: float, yaw: float) -> None:
        quake.spawn(self.state, self.flags, x, y, yaw)
        self.alive = True
        self.dead_ms = 0
        self.shield = SPAWN_SHIELD
        self.armor = 0
        self.charges[:] = 0
        self.charges[IMPULSE] = -1
        self.charges[RAPID] = GADGETS[RAPID].charges
        self.gadget = RAPID
        self.weapon_time = 0.0
        self.tick_ms = 0

    def box(self) -> tuple[float, float, float, float, float, float]:
        x, y, z = self.state[quake.X], self.state[quake.Y], self.state[quake.Z]
        top = quake.CROUCH_MAXS_Z if self.flags[quake.DUCKED] else quake.PLAYER_MAXS[2]
        return (x + quake.PLAYER_MINS[0], y + quake.PLAYER_MINS[1], z + quake.PLAYER_MINS[2],
                x + quake.PLAYER_MAXS[0], y + quake.PLAYER_MAXS[1], z + top)

    def eye(self) -> np.ndarray:
        return np.array([self.state[quake.X], self.state[quake.Y], self.state[quake.Z] + EYE])

    def fall_back(self) -> None:
        """Selects the most preferred gadget that still has charges."""
        for g in PREFERENCE:
            if self.charges[g] != 0:
                self.gadget = g
                return

    def take(self, damage: float) -> None:
        """Quake's G_Damage for one hit: armour first, then the shield."""
        dmg = int(math.ceil(damage)) if damage > 0 else 0
        save = min(int(math.ceil(dmg * ARMOR_PROTECTION)), self.armor)
        self.armor -= save
        self.shield -= dmg - save

    def count_down(self, ms: int) -> None:
        """Shield and armour above 100 drop 1 a second (ClientTimerActions)."""
        self.tick_ms += ms
        while self.tick_ms >= 1000:
            self.tick_ms -= 1000
            if self.shield > MAX_SHIELD:
                self.shield -= 1
            if self.armor > MAX_SHIELD:
                self.armor -= 1
