"""DMLab-30's laser tag levels: ``lasertag_{one,three}_opponent(s)_{small,large}``.

The agent plays a free-for-all laser tag match against 1 or 3 scripted bots in a
random labmaze maze of rooms and corridors, for 240 s, and scores +1 for every tag.

Facts from DMLab (``factories/lasertag/procedural_factory.lua``, ``factory.lua``,
``common/color_bots.lua``, the four level files and the DMLab-30 README; the game rules
are Quake III's, see :mod:`memory_bench.envs.dmlab.lasertag_rules`):

* Maps: ``randomMazeGeneration`` (labmaze, with the C++ defaults for the rest: extra
  connections 0.05, 26 variations, simplify): small 11 x 11, at most 3 rooms of 3-5
  cells; large 21 x 21, at most 4 rooms of 5-7 cells; 3 spawn marks a room. A new map
  every episode.
* Pickups on random empty cells: small 1 gadget and 2 items, large 2 gadgets and 4
  items; a gadget is Orb, Beam or Disc (``weapon_rocketlauncher``, ``_lightning``,
  ``_railgun``), an item large health or combat armour, uniformly.
* Bots: 1 or 3, skill 4 (of 1-5), all recoloured with one random hue per episode.
* The agent starts with the Rapid gadget; shield 125 dropping to 100; a tag limit of
  100. The reward is the change of the agent's score: +1 a tag, -1 for tagging itself.

Ours: the bots (:mod:`memory_bench.envs.dmlab.lasertag_bots`), as DMLab's are Quake
III's bot AI, which is not ours to copy; players and pickups are our own shapes; shots
are not drawn (no laser beams); no HUD; players' boxes collide with each other as in
Quake.
"""

from __future__ import annotations

import colorsys
from typing import Any

import mujoco
import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import ITEM_HALF, ITEM_Z, UNIT
from memory_bench.envs.dmlab import lasertag_rules as lt
from memory_bench.envs.dmlab.base import IMPALA_ACTIONS, DMLabEnv
from memory_bench.envs.dmlab.lasertag_bots import Bot, skill_params

_SMALL = tm.MazeParams(height=11, width=11, max_rooms=3, room_min_size=3, room_max_size=5, spawns_per_room=3)
_LARGE = tm.MazeParams(height=21, width=21, max_rooms=4, room_min_size=5, room_max_size=7, spawns_per_room=3)
#: level: (bots, maze, gadget pickups, item pickups)
LEVELS = {
    "one_opponent_small": (1, _SMALL, 1, 2),
    "three_opponents_small": (3, _SMALL, 1, 2),
    "one_opponent_large": (1, _LARGE, 2, 4),
    "three_opponents_large": (3, _LARGE, 2, 4),
}
MAX_BOTS, MAX_PICKUPS, MAX_ROCKETS = 3, 6, 12
FRAME_MS = quake.FRAME_MSEC
ROCKET_MAX_S = 10.0  # a rocket flying into the sky is gone after this

_PICKUP_LOOK = {
    lt.ORB: (("sphere", 9.0, 0.0, 0.0, 22.0, (0.95, 0.45, 0.10)), ("cylinder", 4.0, 8.0, 0.0, 9.0, (0.3, 0.3, 0.3))),
    lt.BEAM: (("cylinder", 3.0, 12.0, 0.0, 22.0, (0.35, 0.75, 1.0)), ("sphere", 6.0, 0.0, 0.0, 36.0, (0.85, 0.95, 1.0)),
              ("cylinder", 4.0, 8.0, 0.0, 9.0, (0.3, 0.3, 0.3))),
    lt.DISC: (("cylinder", 12.0, 2.0, 0.0, 22.0, (0.20, 0.90, 0.35)), ("cylinder", 4.0, 8.0, 0.0, 9.0, (0.3, 0.3, 0.3))),
    lt.HEALTH: (("sphere", 10.0, 0.0, 0.0, 20.0, (0.95, 0.95, 0.95)), ("cylinder", 11.0, 2.0, 0.0, 20.0, (0.90, 0.15, 0.15))),
    lt.ARMOR: (("cylinder", 11.0, 10.0, 0.0, 18.0, (0.95, 0.80, 0.10)), ("sphere", 7.0, 0.0, 0.0, 31.0, (0.95, 0.80, 0.10))),
}
_ROCKET_LOOK = (("sphere", 5.0, 0.0, 0.0, 0.0, (1.0, 0.6, 0.2)),)


def _bot_look(hue_deg: float) -> tuple:
    body = colorsys.hsv_to_rgb(hue_deg / 360.0, 1.0, 0.9)
    band = colorsys.hsv_to_rgb(((hue_deg + 120.0) % 360.0) / 360.0, 1.0, 0.9)
    # a body from the floor to the top of the Quake box (56 u), a band, a head
    return (("cylinder", 14.0, 21.0, 0.0, 21.0, body), ("cylinder", 14.5, 5.0, 0.0, 36.0, band),
            ("sphere", 10.0, 0.0, 0.0, 48.0, (0.85, 0.72, 0.60)))


class LaserTag(DMLabEnv):
    """DMLab-30 ``lasertag_*``: tag the bots before they tag you.

    ## Description
    A free-for-all laser tag match in a random maze against 1 or 3 bots (skill 4 by
    default). Every player has a shield (125 at spawn, counting down to 100) and
    starts with the Rapid gadget; gadgets (Orb, Beam, Disc) and shield and armour items
    lie on random cells and come back after a while. A player whose shield is shot
    down is tagged and respawns 1.7 s later, when it presses fire. See
    :mod:`memory_bench.envs.dmlab.lasertag_rules` for the figures.

    ## Observation and Action Space
    As every DMLab-style level (:class:`DMLabEnv`); fire shoots the selected gadget
    (held, it fires at the gadget's rate) and respawns a tagged agent.

    ## Rewards
    The change of the agent's score: +1 for each bot it tags, -1 if it tags itself
    (an Orb's splash).

    ## Episode End
    Truncated after 240 s (14400 frames; 3600 steps at ``action_repeat=4``);
    terminated when a player reaches 100 tags.

    ## Arguments
    ``level``: one of :data:`LEVELS`; ``bot_skill``: 1-5 (4, DMLab-30's);
    :class:`DMLabEnv`'s keyword arguments.

    ## Version History
    * v0: first version (2026-12).
    """

    episode_seconds = 240.0
    n_items = MAX_BOTS + MAX_PICKUPS + MAX_ROCKETS
    idle_action = "forward"

    def __init__(self, level: str = "one_opponent_small", bot_skill: float = 4.0, **kwargs: Any):
        if level not in LEVELS:
            raise ValueError(f"unknown lasertag level {level!r}; choose one of {sorted(LEVELS)}")
        skill_params(bot_skill)  # validates
        self.level = level
        self.n_bots, self.maze, self.n_gadgets, self.n_things = LEVELS[level]
        self.bot_skill = float(bot_skill)
        self.map_shape = (self.maze.height, self.maze.width)
        super().__init__(**kwargs)
        self.players = [lt.Player(k) for k in range(1 + self.n_bots)]
        self.players[0].state, self.players[0].flags = self._state, self._flags  # the agent: the base's mover
        self._fire_table = IMPALA_ACTIONS[:, 4] > 0
        self.no_boxes = np.zeros((0, 6))
        self._touched = np.zeros(MAX_PICKUPS, dtype=bool)
        self._pick_items = np.zeros((MAX_PICKUPS, 4))
        self._pick_active = np.zeros(MAX_PICKUPS, dtype=bool)
        self._rockets: list[dict] = []
        self._fire_rng: np.random.Generator | None = None

    # ------------------------------------------------------------------ episode
    def _new_episode(self, rng: np.random.Generator) -> None:
        text_map = self._maze(rng)
        self._show_map(text_map, rng)
        self.h = text_map.shape[0]
        self.solid = text_map.walls
        self.nav = tm.ShortestPaths(~text_map.walls)
        self._fire_rng = np.random.default_rng(int(rng.integers(2**63)))
        self.bot_hue = float(rng.integers(0, 360))
        look = _bot_look(self.bot_hue)
        for k in range(self.n_items):
            self.arena.set_item(k, None)
        for b in range(self.n_bots):
            self.arena.set_item(b, look, (0.0, 0.0))
        # pickups on random empty cells
        empty = np.argwhere(text_map.entity == " ")
        order = rng.permutation(len(empty))[: self.n_gadgets + self.n_things]
        self.pickups: list[tuple[Any, tuple[int, int]]] = []
        for j, idx in enumerate(order):
            cell = (int(empty[idx][0]), int(empty[idx][1]))
            kind = (lt.PICKUP_WEAPONS[int(rng.integers(3))] if j < self.n_gadgets
                    else (lt.HEALTH, lt.ARMOR)[int(rng.integers(2))])
            self.pickups.append((kind, cell))
        self.pickup_up = np.zeros(MAX_PICKUPS, dtype=bool)
        self._pickup_back_ms = np.zeros(MAX_PICKUPS)
        self._pickup_pos = np.zeros((MAX_PICKUPS, 3))
        self._pick_active[:] = False
        for j, (kind, cell) in enumerate(self.pickups):
            x, y = tm.cell_centre(np.array(cell), self.h)
            slot = MAX_BOTS + j
            self.arena.set_item(slot, _PICKUP_LOOK[kind], (float(x), float(y)))
            self._pickup_pos[j] = (x * UNIT, y * UNIT, 0.0)
            self._pick_items[j] = (x, y, ITEM_Z, ITEM_HALF)  # a Quake item's trigger box at its origin
            self.pickup_up[j] = self._pick_active[j] = True
        for r in range(MAX_ROCKETS):
            self.arena.set_item(MAX_BOTS + MAX_PICKUPS + r, _ROCKET_LOOK, (0.0, 0.0), z_units=-400.0)
        self.arena.commit_items()
        self._rockets = []
        self._rocket_free = list(range(MAX_ROCKETS))
        # players: distinct random spawn marks
        spawns = text_map.spawns
        picks = rng.permutation(len(spawns))[: len(self.players)]
        self.bots = [Bot(p, self.bot_skill, np.random.default_rng(int(rng.integers(2**63)))) for p in self.players[1:]]
        for p, k in zip(self.players, picks):
            p.score = p.tagged = 0
            x, y = tm.cell_centre(spawns[k], self.h)
            p.spawn(float(x), float(y), float(rng.uniform(0.0, 360.0)))
        self.clock_ms = 0
        self._sync_players()

    def _maze(self, rng: np.random.Generator) -> tm.TextMap:
        need = len(self.players) if hasattr(self, "players") else 1 + self.n_bots
        for _ in range(100):
            text_map = tm.random_maze(self.maze, rng)
            if len(text_map.spawns) >= need and (text_map.entity == " ").sum() >= self.n_gadgets + self.n_things:
                return text_map
        raise RuntimeError(f"no maze with {need} spawn marks in 100 tries")

    # ------------------------------------------------------------------ stepping
    def _play_frames(self, action, frames: int) -> float:
        """The bots think once, then every player plays the step's frames; the match
        ends at the tag limit. The reward is the change of the agent's score."""
        cmd = self._command(action)
        fire = self._fire_of(action)
        agent = self.players[0]
        score0 = agent.score
        now = self.clock_ms / 1000.0
        orders = [b.think(self, now, quake.FRAME_TIME, frames) for b in self.bots]
        cmds = [cmd] + [o[0] for o in orders]
        fires = [fire] + [o[1] for o in orders]
        for _ in range(frames):
            self._frame(cmds, fires)
            self.frames += 1
            if max(p.score for p in self.players) >= lt.TAG_LIMIT:
                self._finish_after(0.0)
                break
        self._sync_players()
        return float(agent.score - score0)

    def _fire_of(self, action) -> bool:
        if self.action_set == "impala":
            return bool(self._fire_table[int(action)])
        return bool(np.asarray(action)[4] > 0)

    def _boxes_except(self, k: int) -> np.ndarray:
        rows = [p.box() for p in self.players if p.alive and p.index != k]
        return np.array(rows, dtype=np.float64).reshape(-1, 6)

    def _frame(self, cmds, fires) -> None:
        """One engine frame for every player: movement, pickups, gadgets, then rockets,
        respawns, count-downs and pickups coming back."""
        self.clock_ms += FRAME_MS
        for p, cmd, fire in zip(self.players, cmds, fires):
            if not p.alive:
                p.dead_ms += FRAME_MS
                if p.dead_ms >= lt.FORCE_RESPAWN_MS or (fire and p.dead_ms >= lt.RESPAWN_MS):
                    self._respawn(p)
                continue
            self._touched[:] = False
            quake.run_frames(p.state, p.flags, cmd, 1, self._solid, tm.CELL_UNITS, self._wall_top,
                             self._boxes_except(p.index), self._hz, self._hg, self._pick_items, self._pick_active,
                             self._touched, quake.FRAME_TIME)
            for j in np.flatnonzero(self._touched):
                self._pick_up(p, int(j))
            self._gadget(p, fire)
            p.count_down(FRAME_MS)
        self._fly_rockets()
        for j in range(len(self.pickups)):
            if not self.pickup_up[j] and self.clock_ms >= self._pickup_back_ms[j]:
                self.pickup_up[j] = self._pick_active[j] = True
                self.arena.data.mocap_pos[self.arena.item_mocap[MAX_BOTS + j]] = self._pickup_pos[j]

    def _respawn(self, p: lt.Player) -> None:
        """Quake's SelectRandomFurthestSpawnPoint: a random one of the farther half of
        the spawn points from where the player fell, not one another player stands on."""
        spawns = tm.cell_centre(self.map.spawns, self.h)
        d = np.hypot(*(spawns - p.state[:2]).T)
        order = np.argsort(-d, kind="stable")
        free = [k for k in order if all(not q.alive or np.hypot(*(spawns[k] - q.state[:2])) > 40.0 for q in self.players)]
        pool = free[: max(1, (len(free) + 1) // 2)] if free else list(order[:1])
        k = pool[int(self._fire_rng.integers(len(pool)))]
        p.spawn(float(spawns[k][0]), float(spawns[k][1]), float(self._fire_rng.uniform(0.0, 360.0)))

    def _pick_up(self, p: lt.Player, j: int) -> None:
        kind, _cell = self.pickups[j]
        if kind == lt.HEALTH:
            if p.shield >= lt.MAX_SHIELD:
                return
            p.shield = min(lt.MAX_SHIELD, p.shield + lt.ITEM_AMOUNT[kind])
            wait = lt.RESPAWN_S[kind]
        elif kind == lt.ARMOR:
            if p.armor >= lt.MAX_ARMOR:
                return
            p.armor = min(lt.MAX_ARMOR, p.armor + lt.ITEM_AMOUNT[kind])
            wait = lt.RESPAWN_S[kind]
        else:
            p.charges[kind] = max(p.charges[kind], 0) + lt.GADGETS[kind].charges
            p.gadget = kind
            wait = lt.RESPAWN_S["weapon"]
        self.pickup_up[j] = self._pick_active[j] = False
        self._pickup_back_ms[j] = self.clock_ms + wait * 1000.0
        self.arena.data.mocap_pos[self.arena.item_mocap[MAX_BOTS + j], 2] = -10.0

    def _gadget(self, p: lt.Player, fire: bool) -> None:
        """Quake's PM_Weapon: the gadget fires when its time since the last shot has run
        out and fire is held."""
        if p.weapon_time > 0:
            p.weapon_time -= FRAME_MS
        if p.weapon_time > 0:
            return
        if not fire:
            p.weapon_time = 0.0
            return
        if p.charges[p.gadget] == 0:
            p.fall_back()
        g = lt.GADGETS[p.gadget]
        eye = p.eye()
        yaw, pitch = quake.view_angles(p.state)
        d = lt.view_direction(yaw, pitch)
        if g.kind == "contact":
            t, k = lt.ray_hit(eye[0], eye[1], eye[2], d[0], d[1], d[2], g.reach, self.solid, tm.CELL_UNITS,
                              self._player_boxes(), p.index)
            if k < 0:
                return  # the gauntlet only fires on a hit
            self._damage(self.players[k], p, g.damage)
        else:
            if p.charges[p.gadget] > 0:
                p.charges[p.gadget] -= 1
            if g.kind == "hitscan":
                d = lt.spread(d, g.spread_deg, self._fire_rng)
                t, k = lt.ray_hit(eye[0], eye[1], eye[2], d[0], d[1], d[2], g.reach, self.solid, tm.CELL_UNITS,
                                  self._player_boxes(), p.index)
                if k >= 0:
                    self._damage(self.players[k], p, g.damage)
            elif self._rocket_free:
                slot = self._rocket_free.pop()
                self._rockets.append({"pos": eye + d * 14.0, "vel": d * g.speed, "owner": p.index, "slot": slot, "age": 0.0})
        p.weapon_time += g.period_ms

    def _player_boxes(self) -> np.ndarray:
        """Every player's box, row k player k (a tagged player's box far away)."""
        return np.array([p.box() if p.alive else (-1e6, -1e6, -1e6, -1e6 + 1, -1e6 + 1, -1e6 + 1) for p in self.players])

    def _fly_rockets(self) -> None:
        if not self._rockets:
            return
        dt = quake.FRAME_TIME
        boxes = self._player_boxes()
        orb = lt.GADGETS[lt.ORB]
        keep = []
        for r in self._rockets:
            pos, vel = r["pos"], r["vel"]
            step = float(np.linalg.norm(vel)) * dt
            d = vel / np.linalg.norm(vel)
            t, k = lt.ray_hit(pos[0], pos[1], pos[2], d[0], d[1], d[2], step, self.solid, tm.CELL_UNITS, boxes, r["owner"])
            r["age"] += dt
            if t < step or r["age"] > ROCKET_MAX_S:
                if t < step:
                    self._explode(pos + d * t, k, self.players[r["owner"]], orb)
                self._rocket_free.append(r["slot"])
                self.arena.data.mocap_pos[self.arena.item_mocap[MAX_BOTS + MAX_PICKUPS + r["slot"]], 2] = -10.0
                continue
            r["pos"] = pos + d * step
            keep.append(r)
        self._rockets = keep

    def _explode(self, at: np.ndarray, direct: int, owner: lt.Player, g: lt.Gadget) -> None:
        """Quake's rocket impact: full damage to a player hit directly, then splash
        damage falling off linearly to 0 at the splash radius from the nearest point of
        each other player's box (half on the shooter)."""
        if direct >= 0:
            self._damage(self.players[direct], owner, g.damage)
        for q in self.players:
            if not q.alive or q.index == direct:
                continue
            b = np.array(q.box())
            nearest = np.clip(at, b[:3], b[3:])
            dist = float(np.linalg.norm(at - nearest))
            if dist >= g.splash_radius:
                continue
            points = g.splash * (1.0 - dist / g.splash_radius)
            self._damage(q, owner, points * (lt.SELF_SPLASH if q is owner else 1.0))

    def _damage(self, victim: lt.Player, attacker: lt.Player, amount: float) -> None:
        if not victim.alive:
            return
        victim.take(amount)
        if victim.shield <= 0:
            victim.alive = False
            victim.dead_ms = 0
            victim.tagged += 1
            attacker.score += -1 if attacker is victim else 1

    def _sync_players(self) -> None:
        """Moves the bots' shapes to where the bots are (hidden while tagged) and the
        rockets to theirs."""
        d = self.arena.data
        mocap = self.arena.item_mocap
        for b, p in enumerate(self.players[1:]):
            st = p.state
            if p.alive:
                d.mocap_pos[mocap[b]] = (st[quake.X] * UNIT, st[quake.Y] * UNIT, (st[quake.Z] + quake.PLAYER_MINS[2]) * UNIT)
            else:
                d.mocap_pos[mocap[b], 2] = -10.0
        for r in self._rockets:
            d.mocap_pos[mocap[MAX_BOTS + MAX_PICKUPS + r["slot"]]] = r["pos"] * UNIT
        mujoco.mj_kinematics(self.arena.model, d)

    def _on_pickup(self, slot: int) -> float:  # the base's pickups are not used here
        return 0.0

    def _level_info(self) -> dict[str, Any]:
        a = self.players[0]
        return {"score": int(a.score), "tagged": int(a.tagged), "shield": int(a.shield), "armor": int(a.armor),
                "gadget": lt.GADGET_NAMES[a.gadget], "charges": int(a.charges[a.gadget]), "alive": bool(a.alive),
                "bot_scores": [int(p.score) for p in self.players[1:]]}
