"""Scripted laser-tag bots: DMLab's opponents are Quake III's built-in bots at skill 4;
these are ours, written to play the same game at a comparable level.

A bot thinks once per agent step (every ``action_repeat`` frames, 64 ms of engine time
by default; Quake's bots think at 10-20 Hz). It:

* **sees** another player when that player's chest is inside its field of view and no
  wall stands between their eyes (a ray over the text map);
* **reacts** only after it has seen a target for its reaction time, then **aims** at
  it, turning its view no faster than its turn rate, with an aim error drawn afresh
  every half second, and **fires** when its aim is within its fire cone;
* **moves** in combat by strafing (changing side every ``strafe_s``) and keeping its
  distance (closer than 350 u, farther than 150 u); out of combat it walks the shortest
  path over the text map to where it last saw a target (for 3 s), to a health or armour
  pickup when its shield is low, or to a random pickup or room cell (roaming).

Skill 1-5 sets the reaction time, the aim error, the turn rate and the field of view
(:func:`skill_params`, linear in the skill). The default of 4 was calibrated so that
our scripted agent reaches the published human scores and random play scores about
the published random ones (see the README).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import lasertag_rules as lt

COMBAT_FAR, COMBAT_NEAR = 350.0, 150.0  # u
CHASE_S = 3.0
LOW_SHIELD = 60
AIM_RESAMPLE_S = 0.5


@dataclass(frozen=True)
class Skill:
    reaction_s: float
    aim_sigma_deg: float
    turn_deg_s: float
    fov_deg: float
    fire_cone_deg: float
    strafe_s: float


def skill_params(skill: float) -> Skill:
    """The bot of skill ``skill`` (1: slow and inaccurate; 5: fast and accurate)."""
    if not (isinstance(skill, (int, float)) and 1.0 <= skill <= 5.0):
        raise ValueError(f"skill={skill!r} must be a number in [1, 5] (DMLab-30 uses 4)")
    s = (float(skill) - 1.0) / 4.0  # 0 .. 1
    return Skill(reaction_s=0.9 - 0.6 * s, aim_sigma_deg=9.0 - 7.0 * s, turn_deg_s=180.0 + 540.0 * s,
                 fov_deg=90.0 + 60.0 * s, fire_cone_deg=10.0 - 5.0 * s, strafe_s=1.2 - 0.5 * s)


def angle_to(src: np.ndarray, dst: np.ndarray) -> tuple[float, float]:
    """Quake (yaw, pitch) in degrees of the direction from ``src`` to ``dst``."""
    d = dst - src
    yaw = math.degrees(math.atan2(d[1], d[0]))
    pitch = -math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))
    return yaw, pitch


def wrap(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def visible(game, viewer: lt.Player, target: lt.Player, fov_deg: float) -> float:
    """The distance to ``target``'s chest if ``viewer`` sees it (inside ``fov_deg``, no
    wall between), else -1."""
    eye = viewer.eye()
    chest = target.eye() - np.array([0.0, 0.0, 16.0])
    d = chest - eye
    dist = float(np.linalg.norm(d))
    if dist < 1e-6:
        return 0.0
    yaw, _ = angle_to(eye, chest)
    if abs(wrap(yaw - viewer.state[quake.YAW])) > fov_deg / 2:
        return -1.0
    d /= dist
    t, _k = lt.ray_hit(eye[0], eye[1], eye[2], d[0], d[1], d[2], dist, game.solid, tm.CELL_UNITS, game.no_boxes, -1)
    return dist if t >= dist - 1e-6 else -1.0


class Bot:
    """One bot's mind; :meth:`think` gives its usercmd and fire button for the next
    frames."""

    def __init__(self, player: lt.Player, skill: float, rng: np.random.Generator):
        self.player = player
        self.skill = skill_params(skill)
        self.rng = rng
        self.reset()

    def reset(self) -> None:
        self.target: int | None = None
        self.seen_since = 0.0
        self.last_seen: np.ndarray | None = None
        self.last_seen_t = -1e9
        self.goal: tuple[int, int] | None = None
        self.aim_err = (0.0, 0.0)
        self.aim_t = -1e9
        self.strafe = 1.0
        self.strafe_t = 0.0
        self.stuck = 0

    def think(self, game, now: float, frame_s: float, frames: int) -> tuple[np.ndarray, bool]:
        """The usercmd (forward, right, up, yaw and pitch turn a frame) and fire button
        for the next ``frames`` frames of ``frame_s`` s each, at game time ``now``."""
        p = self.player
        sk = self.skill
        if not p.alive:
            self.reset()
            return np.zeros(5), True  # press fire: respawn as soon as allowed
        st = p.state
        best, best_d = None, 1e30
        for q in game.players:
            if q is p or not q.alive:
                continue
            d = visible(game, p, q, sk.fov_deg)
            if 0.0 <= d < best_d:
                best, best_d = q, d
        max_turn = sk.turn_deg_s * frame_s  # degrees a frame

        def turn_by(err: float) -> float:  # spread over the frames to come, at most the turn rate
            return float(np.clip(err / frames, -max_turn, max_turn))

        if best is not None:
            if self.target != best.index:
                self.target = best.index
                self.seen_since = now
            self.last_seen = best.state[:3].copy()
            self.last_seen_t = now
            if now - self.aim_t >= AIM_RESAMPLE_S:
                self.aim_t = now
                self.aim_err = (float(self.rng.normal(0.0, sk.aim_sigma_deg)),
                                float(self.rng.normal(0.0, sk.aim_sigma_deg / 2)))
            yaw, pitch = angle_to(p.eye(), best.eye() - np.array([0.0, 0.0, 16.0]))
            want_yaw, want_pitch = yaw + self.aim_err[0], pitch + self.aim_err[1]
            dyaw = wrap(want_yaw - st[quake.YAW])
            dpitch = want_pitch - st[quake.PITCH]
            if now - self.strafe_t >= sk.strafe_s:
                self.strafe_t = now
                self.strafe = -self.strafe if self.rng.random() < 0.7 else self.strafe
            reacted = now - self.seen_since >= sk.reaction_s
            fire = reacted and abs(wrap(yaw - st[quake.YAW])) < sk.fire_cone_deg + abs(self.aim_err[0])
            if p.gadget == lt.IMPULSE:  # out of charges: close in to touch
                forward = 127.0
                fire = fire and best_d < 60.0
            else:
                forward = 127.0 if best_d > COMBAT_FAR else (-127.0 if best_d < COMBAT_NEAR else 0.0)
            return np.array([forward, 127.0 * self.strafe, 0.0, turn_by(dyaw), turn_by(dpitch)]), bool(fire and reacted)
        self.target = None
        here = tuple(tm.world_cell(st[:2], game.h))
        if self.last_seen is not None and now - self.last_seen_t < CHASE_S:
            goal = tuple(tm.world_cell(self.last_seen[:2], game.h))
        else:
            if self.goal is None or tuple(here) == self.goal or self.stuck > 12:
                self.goal = self._roam_goal(game)
                self.stuck = 0
            goal = self.goal
        nxt = game.nav.next_cell(here, goal)
        if nxt is None:
            self.goal = None
            return np.array([0.0, 0.0, 0.0, max_turn, 0.0]), False
        wx, wy = tm.cell_centre(np.array(nxt), game.h)
        yaw, _ = angle_to(st[:3], np.array([wx, wy, st[2]]))
        dyaw = wrap(yaw - st[quake.YAW])
        speed = math.hypot(st[quake.VX], st[quake.VY])
        self.stuck = self.stuck + 1 if speed < 30.0 else 0
        forward = 127.0 if abs(dyaw) < 60.0 else 0.0
        return np.array([forward, 0.0, 0.0, turn_by(dyaw), turn_by(-st[quake.PITCH])]), False

    def _roam_goal(self, game) -> tuple[int, int]:
        p = self.player
        wanted = []
        for k, (kind, cell) in enumerate(game.pickups):
            if not game.pickup_up[k]:
                continue
            if p.shield < LOW_SHIELD and kind in (lt.HEALTH, lt.ARMOR):
                return cell
            if p.gadget == lt.IMPULSE and kind in lt.PICKUP_WEAPONS:
                return cell
            wanted.append(cell)
        if wanted and self.rng.random() < 0.5:
            return wanted[int(self.rng.integers(len(wanted)))]
        cells = game.nav.cells
        r, c = cells[int(self.rng.integers(len(cells)))]
        return (int(r), int(c))


class ScriptedPlayer:
    """A privileged scripted agent for the laser tag levels, in raw or IMPALA actions (it
    reads where the bots and pickups are from the env, not the image): it walks the
    shortest path toward the nearest bot, with detours for a better gadget, armour, or
    shield when low, and when a bot is in view turns to it and fires. With raw actions
    (how humans play, with a mouse) it aims exactly and strafes while firing; with
    IMPALA's it turns in 8.4 degree steps. The raw player's figure stands next to the
    published human scores."""

    AIM_DEG = 3.0
    DETOUR = 6  # cells
    LOW = 60  # shield

    #: the env the scripted player is scored on: raw actions, aimed as a mouse aims
    env_kwargs = {"action_set": "raw"}

    def reset(self, env=None) -> None:
        self._t = 0

    def act(self, env):
        from memory_bench.agents.dmlab import FORWARD, LOOK_LEFT, LOOK_RIGHT, steer
        from memory_bench.envs.dmlab.base import ACTION_NAMES

        fire = ACTION_NAMES.index("fire")
        base = env.unwrapped
        me = base.players[0]
        raw = base.action_set == "raw"
        if not me.alive:
            return self._raw(base, 0.0, 0.0, 0, 0, True) if raw else fire
        best, best_d = None, 1e30
        for q in base.players[1:]:
            if q.alive:
                d = visible(base, me, q, 90.0)
                if 0.0 <= d < best_d:
                    best, best_d = q, d
        unarmed = me.gadget == lt.IMPULSE
        if best is not None and (not unarmed or best_d < 60.0):
            yaw, pitch = angle_to(me.eye(), best.eye() - np.array([0.0, 0.0, 16.0]))
            err = wrap(yaw - me.state[quake.YAW])
            if raw:  # aim exactly, strafe while firing
                self._t += 1
                side = 1 if (self._t // 15) % 2 else -1
                on = abs(err) < math.degrees(math.atan2(10.0, max(best_d, 1.0))) + 0.5
                move = 1 if best_d > 300.0 else (-1 if best_d < 120.0 else 0)
                return self._raw(base, err, pitch - me.state[quake.PITCH], side, move, on)
            if abs(err) > self.AIM_DEG:
                return LOOK_LEFT if err > 0 else LOOK_RIGHT
            return fire
        here = tuple(tm.world_cell(me.state[:2], base.h))
        alive = [q for q in base.players[1:] if q.alive]
        goal = self._pickup_goal(base, me, here, unarmed)
        if goal is not None:
            target_xy = tm.cell_centre(np.array(goal), base.h)
        elif alive:
            target = min(alive, key=lambda q: float(np.hypot(*(q.state[:2] - me.state[:2]))))
            goal = tm.world_cell(target.state[:2], base.h)
            target_xy = target.state[:2]
        else:
            return self._raw(base, 0.0, 0.0, 0, 1, False) if raw else FORWARD
        nxt = base.nav.next_cell(here, goal)
        point = target_xy if nxt is None or tuple(nxt) == tuple(here) else tm.cell_centre(np.array(nxt), base.h)
        if raw:
            yaw, _ = angle_to(me.state[:3], np.array([point[0], point[1], me.state[2]]))
            err = wrap(yaw - me.state[quake.YAW])
            return self._raw(base, err, -me.state[quake.PITCH], 0, 1 if abs(err) < 45.0 else 0, False)
        return steer(base, point)

    @staticmethod
    def _raw(base, yaw_err: float, pitch_err: float, strafe: int, move: int, fire: bool) -> np.ndarray:
        """A raw DMLab action turning by the given errors over this step's frames."""
        per_px = quake.LOOK_DEGREES_PER_PIXEL * base.action_repeat
        lr = int(np.clip(round(-yaw_err / per_px), -512, 512))
        du = int(np.clip(round(pitch_err / per_px), -512, 512))
        return np.array([lr, du, strafe, move, int(fire), 0, 0], dtype=np.int64)

    def _pickup_goal(self, base, me, here, unarmed: bool):
        """A pickup worth a detour: a gadget when out of charges or within
        :data:`DETOUR` steps and better than the one held, shield or armour when low."""
        best, best_steps = None, 1 << 30
        for k, (kind, cell) in enumerate(base.pickups):
            if not base.pickup_up[k]:
                continue
            n = int(base.nav.field(cell)[here])
            if n < 0:
                continue
            if kind in lt.PICKUP_WEAPONS:
                wanted = unarmed or (n <= self.DETOUR and lt.PREFERENCE.index(kind) < lt.PREFERENCE.index(me.gadget))
            elif kind == lt.HEALTH:
                wanted = me.shield < self.LOW and n <= 2 * self.DETOUR
            else:
                wanted = me.armor < 50 and n <= self.DETOUR
            if wanted and n < best_steps:
                best, best_steps = cell, n
        return best
