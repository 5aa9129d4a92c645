"""DMLab-30's ``rooms_keys_doors_puzzle``: coloured keys open doors of their colour,
once; the order matters.

The puzzle comes from :mod:`memory_bench.envs.dmlab.keys_doors_gen` (DMLab's keys-doors
generator); the level rules, looks and rewards from DMLab's
``factories/rooms/keys_doors_puzzle_factory.lua`` and the text-level builder
(``translate_text_level.cc``: fence doors). :class:`KeysDoorsOracle` plays it with the
generator's solver.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import Static, floor_textures
from memory_bench.envs.dmlab import keys_doors_gen as gen
from memory_bench.envs.dmlab.base import DMLabEnv

#: The colours of keys, doors and the held-key square (DMLab's POSSIBLE_COLORS).
COLOR_RGB = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0),
             "white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0)}
COLOR_NAMES = tuple(COLOR_RGB)
KEY_REWARD, DOOR_REWARD, GOAL_REWARD = 1.0, 1.0, 50.0
MAP_SHAPE = (12, 15)  # the largest map of a 3 x 3 room grid
N_DOORS = 8  # the most doors (and keys, below) of a puzzle, over 3000 seeds: 8 and 5
N_KEYS = 6
#: Fence doors (translate_text_level.cc): 8 u thick, rails 8 u high at the bottom and
#: the top of the 100 u cell, 4 posts 8 u wide between them.
FENCE_HALF = 4.0
FENCE_PARTS = 6
HUD_SQUARE = (12, 48)  # DMLab's held-key square: at (12, 12) px, 48 px a side, in 320 px wide frames


def _fence_boxes(cell, height: int, passage_along_x: bool) -> list[tuple[float, ...]]:
    """The six boxes (rails and posts) of a fence door in text-map ``cell``."""
    x, y = tm.cell_centre(np.asarray(cell), height)
    x0, y0 = x - 50.0, y - 50.0
    t = 2 * FENCE_HALF
    boxes = []
    # along: the axis the fence spans (across the passage)
    if passage_along_x:
        def box(a0, a1, z0, z1):
            return (x - FENCE_HALF, y0 + a0, z0, x + FENCE_HALF, y0 + a1, z1)
    else:
        def box(a0, a1, z0, z1):
            return (x0 + a0, y - FENCE_HALF, z0, x0 + a1, y + FENCE_HALF, z1)
    boxes.append(box(1.0, 101.0, 100.0 - t, 100.0))  # top rail
    boxes.append(box(1.0, 101.0, 0.0, t))  # bottom rail
    step = (100.0 - t - 2.0) / 3
    for k in range(4):
        p = FENCE_HALF + 1.0 + k * step
        boxes.append(box(p - FENCE_HALF, p + FENCE_HALF, t, 100.0 - t))
    return boxes


def _fence_statics() -> tuple[Static, ...]:
    looks = tuple(COLOR_RGB.values())
    return tuple(Static(f"door_{d}_{p}", (0.0, 0.0, -20.0), (1.0, 1.0, -19.0), looks)
                 for d in range(N_DOORS) for p in range(FENCE_PARTS))


class KeysDoorsPuzzle(DMLabEnv):
    """DMLab-30 ``rooms_keys_doors_puzzle``: plan which key to carry through which door.

    ## Description
    Up to 3 x 3 rooms of 2 x 3 cells (100 u), one wall cell apart, on an orange floor;
    the walls are invisible (DMLab's ``INVISIBLE_WALLS`` texture set) so the agent sees
    across the whole puzzle. Rooms are linked by open doorways or by coloured fence
    doors (red, green, blue, white, black). Keys of those colours lie in rooms; the
    agent holds at most one key: taking a key replaces (and destroys) the one held.
    Walking into a closed door's cell (its trigger brushes) while holding its colour
    opens it for good and uses the key up. A core sequence of
    1 to 3 key/door pairs leads to the goal, an orange ice lolly, beside trap rooms,
    red herrings, unopenable doors and useless keys (DMLab's generator defaults). The
    held key's colour shows as a square in the top-left corner (DMLab's 48 px square at
    (12, 12) of a 320 px wide frame, scaled to the observation).

    ## Rewards
    Key +1, door opened +1, goal +50.

    ## Episode End
    Terminated 0.2 s after the goal; truncated after 60 s (900 steps). One puzzle per
    episode.

    ## Arguments
    ``generator``: keyword overrides of :func:`memory_bench.envs.dmlab.keys_doors_gen.generate`
    (DMLab's ``levelGenerator`` arguments, e.g. ``{"core_sequence_length": (3, 3)}``);
    :class:`DMLabEnv`'s keyword arguments.
    """

    map_shape = MAP_SHAPE
    episode_seconds = 60.0
    n_items = N_KEYS + 1  # the keys, then the goal
    statics = _fence_statics()
    GOAL = N_KEYS

    def __init__(self, generator: dict[str, Any] | None = None, **kwargs: Any):
        self.generator = dict(generator or {})
        gen.generate(np.random.default_rng(0), **self.generator)  # bad overrides fail here, named
        super().__init__(**kwargs)
        self._orange = floor_textures().index(("style_01", "orange"))

    # ------------------------------------------------------------------ episode
    def _new_episode(self, rng: np.random.Generator) -> None:
        p = gen.generate(rng, **self.generator)
        self.puzzle = p
        h, w = MAP_SHAPE
        rows = [row.ljust(w, "*") for row in p.entity] + ["*" * w] * (h - len(p.entity))
        text = tm.parse("\n".join(rows))
        self.map = text
        walls = text.walls
        zeros = np.zeros((h, w), dtype=np.int64)
        self.arena.apply_map(walls, np.zeros((h, w), dtype=bool), zeros, zeros + self._orange, zeros - 1,
                             show_walls=False)
        self._solid = walls
        self.door_cells = np.array([c for _, c in p.doors], dtype=np.int64).reshape(-1, 2)
        self.door_colors = [c for c, _ in p.doors]
        self.door_open = np.zeros(len(p.doors), dtype=bool)
        self._door_boxes = []
        for d in range(N_DOORS):
            if d < len(p.doors):
                color, cell = p.doors[d]
                along_x = text.entity[cell] == "I"  # 'I': passage along x
                boxes = _fence_boxes(cell, h, along_x)
                for k, b in enumerate(boxes):
                    self.arena.set_static(f"door_{d}_{k}", visible=True, look=COLOR_NAMES.index(color), lo=b[:3], hi=b[3:])
                self._door_boxes.append(boxes)
            else:
                for k in range(FENCE_PARTS):
                    self.arena.set_static(f"door_{d}_{k}", visible=False)
        self._door_triggers = np.array([self._trigger_rect(tuple(c), h) for c in self.door_cells]).reshape(-1, 4)
        self._update_boxes()
        self.key_colors = [c for c, _ in p.keys]
        for slot in range(N_KEYS):
            if slot < len(p.keys):
                color, cell = p.keys[slot]
                rgb = np.array([COLOR_RGB[color]] * 2)
                self._place_item(slot, "key", cell, rgb)
            else:
                self._place_item(slot, None)
        self._place_item(self.GOAL, "icelolly", p.goal)
        self.arena.commit_items()
        self.held: str | None = None
        self._spawn(p.spawns[0], float(rng.uniform(0.0, 360.0)))

    @staticmethod
    def _trigger_rect(cell, height: int) -> tuple[float, float, float, float]:
        """A door's trigger (x0, y0, x1, y1): DMLab's text-level builder fills the door's
        cell on both sides of the panel with ``trigger_multiple`` brushes."""
        x, y = tm.cell_centre(np.asarray(cell), height)
        return (x - 50.0, y - 50.0, x + 50.0, y + 50.0)

    def _update_boxes(self) -> None:
        rows = [b for d, boxes in enumerate(self._door_boxes) if not self.door_open[d] for b in boxes]
        self._boxes = np.array(rows, dtype=np.float64).reshape(-1, 6)

    # ------------------------------------------------------------------ rules
    def _on_pickup(self, slot: int) -> float:
        self._collect(slot)
        if slot == self.GOAL:
            self._finish_after(0.2)
            return GOAL_REWARD
        self.held = self.key_colors[slot]  # the key held before is gone
        return KEY_REWARD

    def _after_frames(self) -> float:
        if self.held is None or not len(self.door_cells):
            return 0.0
        x, y = self._state[quake.X], self._state[quake.Y]
        r = quake.PLAYER_MAXS[0]
        for d in range(len(self.door_cells)):
            if self.door_open[d] or self.door_colors[d] != self.held:
                continue
            x0, y0, x1, y1 = self._door_triggers[d]
            if x0 - r < x < x1 + r and y0 - r < y < y1 + r:
                self.door_open[d] = True
                self.held = None
                for k in range(FENCE_PARTS):
                    self.arena.set_static(f"door_{d}_{k}", visible=False)
                self._update_boxes()
                return DOOR_REWARD
        return 0.0

    def _observe(self) -> np.ndarray:
        obs = super()._observe()
        if self.held is not None:
            s = self.observation_space.shape[1] / 320.0
            at, size = int(round(HUD_SQUARE[0] * s)), max(1, int(round(HUD_SQUARE[1] * s)))
            obs[at: at + size, at: at + size, :3] = np.rint(np.array(COLOR_RGB[self.held]) * 255).astype(np.uint8)
            self._rgb[at: at + size, at: at + size] = obs[at: at + size, at: at + size, :3]
        return obs

    def _level_info(self) -> dict[str, Any]:
        return {"held_key": self.held, "doors_open": int(self.door_open.sum()), "core": self.puzzle.core}


class KeysDoorsOracle:
    """Plays the puzzle with the generator's solver (privileged: it reads the puzzle):
    walks the grid's shortest path to each event of the plan (key, door, goal), never
    through a cell holding a key it does not want."""

    def reset(self, env=None) -> None:
        self._plan = None
        self._rng = np.random.default_rng(0)

    def act(self, env) -> int:
        from memory_bench.agents.dmlab import LOOK_LEFT, steer

        env = env.unwrapped
        if self._plan is None or self._plan[0] is not env.puzzle:
            plan = gen.solve(env.puzzle, tuple(int(v) for v in env.puzzle.spawns[0]))
            self._plan = (env.puzzle, plan or [])
        _, plan = self._plan
        h = env.map.shape[0]
        # drop the events done
        while plan:
            kind, cell = plan[0]
            if kind == "key" and not env._active[self._key_slot(env, cell)]:
                plan.pop(0)
            elif kind == "door" and env.door_open[self._door(env, cell)]:
                plan.pop(0)
            else:
                break
        if not plan:
            return LOOK_LEFT
        kind, cell = plan[0]
        passable = ~env._solid.copy()
        for d, c in enumerate(env.door_cells):
            if not env.door_open[d] and not (kind == "door" and tuple(c) == tuple(cell)):
                passable[tuple(c)] = False
        for slot, (_, c) in enumerate(env.puzzle.keys):
            if env._active[slot] and tuple(c) != tuple(cell):
                passable[tuple(c)] = False
        here = tuple(tm.world_cell(env._state[quake.X: quake.Y + 1], h))
        target = tuple(cell)
        path = tm.random_path(passable, here, target, self._rng) if here != target else [target]
        nxt = path[1] if len(path) > 1 else path[0]
        return steer(env, tm.cell_centre(np.array(nxt), h), tolerance=1.5)

    @staticmethod
    def _key_slot(env, cell) -> int:
        return [tuple(c) for _, c in env.puzzle.keys].index(tuple(cell))

    @staticmethod
    def _door(env, cell) -> int:
        return [tuple(c) for c in env.door_cells].index(tuple(cell))
