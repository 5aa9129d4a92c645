"""DMLab-30's rooms levels on fixed maps: collect_good_objects, exploit_deferred_effects,
select_nonmatching_object and watermaze.

DMLab builds these four from Quake ``.map`` files (``assets/maps/src``) and a level
script (``game_scripts/factories/rooms/*``); here a map is a list of axis-aligned boxes
(:class:`~memory_bench.engine.arena.Static`) drawn by the shared arena and, where
solid, clipped against by the Quake mover. Coordinates are DMLab's, shifted by each
level's :attr:`RoomLevel.offset` so that the map lies at positive x and y; the facts
(room extents, object grids, rewards, timings) were read from the map sources and the
factories, see each level's docstring. ``keys_doors_puzzle`` is a text level:
:mod:`memory_bench.envs.dmlab.keys_doors`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from memory_bench.engine.agents import quake
from memory_bench.engine.arena import GEOMETRIC_SHAPES, ITEM_HALF, Static
from memory_bench.engine.assets import CUE_SHAPES
from memory_bench.envs.dmlab.base import DMLabEnv

_NO_GRID = (0, 0)
WALL = 32.0  # u: outer wall thickness of the maps


def room_walls(name: str, x0: float, y0: float, x1: float, y1: float, height: float, looks: tuple,
               t: float = WALL, gaps: dict[str, tuple[float, float]] | None = None) -> list[Static]:
    """The four walls around the interior ``x0..x1, y0..y1`` (``t`` u thick, outside
    it), ``height`` u tall; ``gaps`` cuts an opening ``(lo, hi)`` into the ``"n"``,
    ``"s"``, ``"e"`` or ``"w"`` wall."""
    gaps = gaps or {}
    out: list[Static] = []

    def wall(side: str, a0: float, a1: float, fixed: tuple[float, float], along_x: bool) -> None:
        spans = [(a0, a1)]
        if side in gaps:
            g0, g1 = gaps[side]
            spans = [(a0, g0), (g1, a1)]
        for k, (s0, s1) in enumerate(spans):
            if s1 <= s0:
                continue
            lo = (s0, fixed[0], 0.0) if along_x else (fixed[0], s0, 0.0)
            hi = (s1, fixed[1], height) if along_x else (fixed[1], s1, height)
            out.append(Static(f"{name}_{side}{k}", lo, hi, looks))

    wall("s", x0 - t, x1 + t, (y0 - t, y0), True)
    wall("n", x0 - t, x1 + t, (y1, y1 + t), True)
    wall("w", y0, y1, (x0 - t, x0), False)
    wall("e", y0, y1, (x1, x1 + t), False)
    return out


def floor_box(name: str, x0: float, y0: float, x1: float, y1: float, looks: tuple) -> Static:
    return Static(name, (x0, y0, -8.0), (x1, y1, 0.0), looks)


class RoomLevel(DMLabEnv):
    """A fixed-map rooms level: the statics of its map, which of them are solid, and
    the helpers its rules share. See the subclasses."""

    map_shape = _NO_GRID
    statics: tuple[Static, ...] = ()
    #: statics that only collide (DMLab's invisible clip brushes): boxes (x0, y0, z0, x1, y1, z1)
    clip: tuple[tuple[float, ...], ...] = ()
    offset = (0.0, 0.0)
    hold_out = False

    def __init__(self, *, allow_hold_out_levels: bool = False, **kwargs: Any):
        if self.hold_out and not allow_hold_out_levels:
            raise ValueError(
                f"{type(self).__name__} is a hold-out (test) level: DMLab loads it only with "
                "allowHoldOutLevels; pass allow_hold_out_levels=True to evaluate on it"
            )
        self.allow_hold_out_levels = bool(allow_hold_out_levels)
        super().__init__(**kwargs)
        self._shown = {st.name: True for st in self.statics}
        self._update_boxes()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        if seed is not None and self.hold_out:
            # hold-out levels draw their episodes from a stream of their own, so that no
            # seed gives a hold-out episode the training level also gives
            seed = int(np.random.SeedSequence([int(seed), 0x7E57]).generate_state(1)[0])
        return super().reset(seed=seed, options=options)

    def _show_static(self, name: str, visible: bool) -> None:
        if self._shown[name] != visible:
            self._shown[name] = visible
            self.arena.set_static(name, visible=visible)

    def _update_boxes(self) -> None:
        """The Quake mover's boxes: every shown static, the clip brushes."""
        rows = [st.box() for st in self.statics if self._shown[st.name] and st.name not in self.not_solid]
        rows += list(self.clip)
        self._boxes = np.array(rows, dtype=np.float64).reshape(-1, 6)

    not_solid: frozenset[str] = frozenset()

    def _at(self, x: float, y: float) -> tuple[float, float]:
        """A DMLab map point in this level's frame."""
        return (x + self.offset[0], y + self.offset[1])

    def _random_yaw(self, rng: np.random.Generator) -> float:
        # DMLab's SelectRandomSpawnPoint: a spawn point's randomAngleRange defaults to
        # 360 degrees, which draws a uniformly random yaw
        return float(rng.uniform(0.0, 360.0))


class SplitLevel(RoomLevel):
    """A level with DMLab's train and test variants: :attr:`TRAIN` and :attr:`TEST`
    configs, one drawn uniformly per episode; the test split is a hold-out level."""

    TRAIN: tuple = ()
    TEST: tuple = ()

    def __init__(self, split: str = "train", **kwargs: Any):
        if split not in ("train", "test"):
            raise ValueError(f"unknown split {split!r}; choose 'train' or 'test'")
        self.split = split
        self.hold_out = split == "test"
        self.configs = self.TRAIN if split == "train" else self.TEST
        super().__init__(**kwargs)


def _grid(n_rows: int, n_cols: int, spacing: float, x0: float, y0: float) -> np.ndarray:
    """DMLab's shuffledPositions grid: point (i, j) at (x0 + (i-1) s, y0 + (j-1) s)."""
    i, j = np.meshgrid(np.arange(n_rows), np.arange(n_cols), indexing="ij")
    return np.column_stack([x0 + i.ravel() * spacing, y0 + j.ravel() * spacing])


# ---------------------------------------------------------------------- collect_good_objects
#: (bad object, good object, replaced textures) of each config, from the level files
CGO_TRAIN = (("hat", "can", False), ("cake", "balloon", False), ("cake", "balloon", True))
CGO_TEST = (("hat", "can", True),)
#: The tint DMLab writes over the dark texels of each model.
CGO_COLORS = {"hat": (58, 31, 255), "can": (241, 255, 30), "cake": (36, 255, 174), "balloon": (255, 12, 154)}
CGO_OFFSET = (600.0, 800.0)
_CGO = dict(x0=-568.0 + 600, y0=-760.0 + 800, x1=1016.0 + 600, y1=568.0 + 800)


class CollectGoodObjects(SplitLevel):
    """DMLab-30 ``rooms_collect_good_objects_{train,test}``: learn which object is good
    independently of the room's look.

    ## Description
    One room of 1584 x 1328 u (walls 176 u high, open sky), 10 bad and 10 good objects
    on 20 distinct points of a 10 x 9 grid of 150 u, the agent on a 21st point. Each
    episode takes a config uniformly: train {hat bad / can good, default textures},
    {cake bad / balloon good, default}, {cake bad / balloon good, replaced}; test
    {hat bad / can good, replaced} (the held-out combination). Default textures: orange
    floor, green walls (``lg_style_01``); replaced: bright blue floor, bright red walls.
    Objects are tinted: hat blue (58, 31, 255), can yellow (241, 255, 30), cake teal
    (36, 255, 174), balloon pink (255, 12, 154). Objects do not respawn.

    ## Rewards
    Good object +1, bad object -1.

    ## Episode End
    Terminated 0.2 s after the 10th pickup of either kind; truncated after 60 s (900
    steps). One map per episode.

    ## Arguments
    ``split``: ``"train"`` or ``"test"``; the test level needs
    ``allow_hold_out_levels=True`` (DMLab's ``allowHoldOutLevels``) and draws its
    episodes from seeds of its own. Other keyword arguments: :class:`DMLabEnv`'s.
    """

    episode_seconds = 60.0
    n_items = 20
    offset = CGO_OFFSET
    statics = (
        floor_box("floor", _CGO["x0"], _CGO["y0"], _CGO["x1"], _CGO["y1"],
                  ("floor/style_01/orange", "floor/style_02/blue_bright")),
        *room_walls("room", _CGO["x0"], _CGO["y0"], _CGO["x1"], _CGO["y1"], 176.0,
                    ("wall/style_01/green", "wall/style_05/red_bright")),
    )
    not_solid = frozenset({"floor"})
    N_OBJECTS = 10

    TRAIN, TEST = CGO_TRAIN, CGO_TEST

    def __init__(self, split: str = "train", **kwargs: Any):
        super().__init__(split, **kwargs)
        self._points = _grid(10, 9, 150.0, -450.0 + self.offset[0], -700.0 + self.offset[1])

    def _new_episode(self, rng: np.random.Generator) -> None:
        bad, good, replaced = self.configs[int(rng.integers(len(self.configs)))]
        self.config = (bad, good, replaced)
        for st in self.statics:
            self.arena.set_static(st.name, look=int(replaced))
        pts = self._points[rng.permutation(len(self._points))[: 2 * self.N_OBJECTS + 1]]
        self.good = np.arange(self.n_items) >= self.N_OBJECTS
        for slot in range(self.n_items):
            shape = bad if slot < self.N_OBJECTS else good
            rgb = np.array(CGO_COLORS[shape]) / 255.0
            self._place_item_at(slot, shape, tuple(pts[slot]), np.array([rgb, rgb]))
        self.arena.commit_items()
        self.pickups = 0
        self._spawn_at(*pts[-1], self._random_yaw(rng))

    def _on_pickup(self, slot: int) -> float:
        self._collect(slot)
        self.pickups += 1
        if self.pickups >= self.N_OBJECTS:
            self._finish_after(0.2)
        return 1.0 if self.good[slot] else -1.0

    def _level_info(self) -> dict[str, Any]:
        bad, good, replaced = self.config
        return {"bad_object": bad, "good_object": good, "replaced_textures": replaced, "pickups": self.pickups}


# ---------------------------------------------------------------------- exploit_deferred_effects
EDE_OFFSET = (304.0, 304.0)
#: (two rooms, box present, door open) of each config; door open also means a bright floor
EDE_TRAIN = ((False, True, False), (True, False, False), (True, False, True))
EDE_TEST = ((True, True, False),)
_R1 = (-272.0 + 304, -272.0 + 304, 336.0 + 304, 272.0 + 304)  # room 1 interior
_R2 = (456.0 + 304, _R1[1], 1064.0 + 304, _R1[3])
_CORRIDOR = (344.0 + 304, -64.0 + 304, 448.0 + 304, 64.0 + 304)
EDE_HEIGHT = 80.0
_YELLOW = (0.86, 0.74, 0.30)
_DARK, _BRIGHT = (0.0, 0.0, 0.0), (70 / 255, 70 / 255, 70 / 255)
APPLE_REWARD, CAKE_REWARD, BOX_REWARD = 1.0, 10.0, -3.0


def _ede_statics() -> tuple[Static, ...]:
    x0, y0, x1, y1 = _R1
    cx0, cy0, cx1, cy1 = _CORRIDOR
    t = cx0 - x1  # 8 u partitions
    h = EDE_HEIGHT
    walls = [Static("r1_s", (x0 - WALL, y0 - WALL, 0), (x1 + t, y0, h), (_YELLOW,)),
             Static("r1_n", (x0 - WALL, y1, 0), (x1 + t, y1 + WALL, h), (_YELLOW,)),
             Static("r1_w", (x0 - WALL, y0, 0), (x0, y1, h), (_YELLOW,)),
             Static("r1_e_full", (x1, cy0, 0), (cx0, cy1, h), (_YELLOW,)),  # one-room map: no corridor
             Static("r1_e_s", (x1, y0, 0), (cx0, cy0, h), (_YELLOW,)),
             Static("r1_e_n", (x1, cy1, 0), (cx0, y1, h), (_YELLOW,)),
             Static("door", (x1, cy0, 0), (cx0, cy1, h), ((0.45, 0.47, 0.50),)),
             Static("corr_s", (cx0, cy0 - WALL, 0), (cx1, cy0, h), (_YELLOW,)),
             Static("corr_n", (cx0, cy1, 0), (cx1, cy1 + WALL, h), (_YELLOW,)),
             *room_walls("r2", _R2[0], _R2[1], _R2[2], _R2[3], h, (_YELLOW,), t=WALL, gaps={"w": (cy0, cy1)})]
    # room 2's west wall is the partition at the corridor's end: make it t thick
    walls = [Static(w.name, (_R2[0] - t, w.lo[1], 0), (_R2[0], w.hi[1], h), w.looks) if w.name.startswith("r2_w") else w
             for w in walls]
    floors = [floor_box("floor_r1", x0, y0, x1, y1, (_DARK, _BRIGHT)),
              floor_box("floor_corr", x1, cy0, _R2[0], cy1, (_DARK, _BRIGHT)),
              floor_box("floor_r2", *_R2, (_DARK, _BRIGHT))]
    ceiling = Static("ceiling", (x0 - WALL, y0 - WALL, h), (_R2[2] + WALL, y1 + WALL, h + 8), ((0.55, 0.55, 0.58),))
    box = Static("box", (0.0, 0.0, 3.0), (24.0, 24.0, 27.0), ((0.30, 0.55, 0.95),))
    return (*floors, *walls, ceiling, box)


class ExploitDeferredEffects(SplitLevel):
    """DMLab-30 ``rooms_exploit_deferred_effects_{train,test}``: pay a cost now (the
    box, -3) for a larger reward later (the cakes behind a door).

    ## Description
    Room 1 (608 x 544 u, 80 u high, closed ceiling) holds 10 apples, the agent and, in
    some configs, a box, on 12 distinct points of a 5 x 5 grid of 120 u; the two-room
    map adds a 104 u corridor behind a door (8 u panel) and an identical room 2 with 10
    red-tinted cakes on its own 5 x 5 grid. The floor is black ("dark") or grey 70
    ("bright"). Taking the box makes the floor bright and, on the two-room map, opens the
    door for good. Train configs (uniform per episode): one room with the box, dark;
    two rooms, no box, door shut, dark (the cakes are out of reach); two rooms, no
    box, door open, bright. Test: two rooms, the box, door shut, dark: only the box
    opens the way to the cakes (best: -3 + 9 x 10 = 87).

    ## Rewards
    Apple +1, cake +10, box -3.

    ## Episode End
    Terminated 0.2 s after the 10th pickup (the box counts); truncated after 60 s.

    ## Arguments
    ``split``: ``"train"`` or ``"test"`` (needs ``allow_hold_out_levels=True``);
    :class:`DMLabEnv`'s keyword arguments.
    """

    episode_seconds = 60.0
    n_items = 21  # 10 apples, the box (an invisible trigger; the box itself is a static), 10 cakes
    offset = EDE_OFFSET
    statics = _ede_statics()
    not_solid = frozenset({"floor_r1", "floor_corr", "floor_r2", "box"})
    BOX_SLOT = 10
    N_OBJECTS = 10

    TRAIN, TEST = EDE_TRAIN, EDE_TEST

    def __init__(self, split: str = "train", **kwargs: Any):
        super().__init__(split, **kwargs)
        self._grid1 = _grid(5, 5, 120.0, -208.0 + self.offset[0], -240.0 + self.offset[1])
        self._grid2 = _grid(5, 5, 120.0, 520.0 + self.offset[0], -240.0 + self.offset[1])

    def _new_episode(self, rng: np.random.Generator) -> None:
        two, has_box, door_open = self.configs[int(rng.integers(len(self.configs)))]
        self.config = (two, has_box, door_open)
        room1 = self._grid1[rng.permutation(25)[: self.N_OBJECTS + 2]]
        room2 = self._grid2[rng.permutation(25)[: self.N_OBJECTS]] if two else None
        for name in ("corr_s", "corr_n", "floor_corr", "floor_r2"):
            self._show_static(name, two)
        for st in self.statics:
            if st.name.startswith("r2_"):
                self._show_static(st.name, two)
        self._show_static("r1_e_full", not two)
        self.door_open = bool(door_open)
        self._show_static("door", two and not door_open)
        self._set_floor(bright=door_open)
        for slot in range(self.N_OBJECTS):
            self._place_item_at(slot, "apple", tuple(room1[slot]))
        bx, by = room1[self.N_OBJECTS]
        self._show_static("box", has_box)
        if has_box:
            self.arena.set_static("box", lo=(bx - 12, by - 12, 3.0), hi=(bx + 12, by + 12, 27.0))
            self._place_trigger(self.BOX_SLOT, (bx, by), ITEM_HALF)
        else:
            self._place_item_at(self.BOX_SLOT, None)
        red = np.array([[200 / 255, 0.0, 0.0]] * 2)
        for k in range(self.N_OBJECTS):
            slot = self.BOX_SLOT + 1 + k
            if two:
                self._place_item_at(slot, "cake", tuple(room2[k]), red)
            else:
                self._place_item_at(slot, None)
        self.arena.commit_items()
        self._update_boxes()
        self.pickups = 0
        self._spawn_at(*room1[-1], self._random_yaw(rng))

    def _set_floor(self, bright: bool) -> None:
        self.bright = bool(bright)
        for name in ("floor_r1", "floor_corr", "floor_r2"):
            self.arena.set_static(name, look=int(bright))

    def _on_pickup(self, slot: int) -> float:
        self._collect(slot)
        self.pickups += 1
        if self.pickups >= self.N_OBJECTS:
            self._finish_after(0.2)
        if slot == self.BOX_SLOT:
            self._show_static("box", False)
            self._set_floor(bright=True)
            if self.config[0]:
                self.door_open = True
                self._show_static("door", False)
            self._update_boxes()
            return BOX_REWARD
        return APPLE_REWARD if slot < self.N_OBJECTS else CAKE_REWARD

    def _level_info(self) -> dict[str, Any]:
        two, has_box, _ = self.config
        return {"two_rooms": two, "has_box": has_box, "door_open": self.door_open, "bright_floor": self.bright,
                "pickups": self.pickups}


# ---------------------------------------------------------------------- select_nonmatching_object
SNO_OFFSET = (288.0, 288.0)
TELEPORT_REWARD, NONMATCH_REWARD, MATCH_REWARD = 1.0, 10.0, -10.0
#: The 36 objects: 12 abstract shapes x 3 colourings (DMLab: 12 ``fut_obj`` models x 3 variants).
GEOMETRIC_COLORINGS = (((0.85, 0.15, 0.15), (0.95, 0.85, 0.20)), ((0.15, 0.55, 0.95), (0.95, 0.95, 0.95)),
                       ((0.20, 0.75, 0.30), (0.55, 0.20, 0.70)))
GEOMETRIC_OBJECTS = tuple((s, k) for s in GEOMETRIC_SHAPES for k in range(3))


def _sno_statics() -> tuple[tuple[Static, ...], tuple[tuple[float, ...], ...]]:
    ox, oy = SNO_OFFSET
    blue, orange = ("wall/style_01/blue",), ("floor/style_01/orange",)
    r1 = (-256 + ox, -256 + oy, 128 + ox, 128 + oy)
    bay = (256 + ox, -128 + oy, 376 + ox, 0 + oy)
    r2 = (384 + ox, -248 + oy, 640 + ox, 128 + oy)
    h = 128.0
    statics = [floor_box("floor_r1", *r1, orange), floor_box("floor_bay", bay[0], bay[1], r2[0], bay[3], orange),
               floor_box("floor_r2", *r2, orange),
               *room_walls("r1", *r1, h, blue),
               Static("bay_s", (bay[0] - WALL, bay[1] - WALL, 0), (r2[0], bay[1], h), blue),
               Static("bay_n", (bay[0] - WALL, bay[3], 0), (r2[0], bay[3] + WALL, h), blue),
               Static("bay_w", (bay[0] - WALL, bay[1], 0), (bay[0], bay[3], h), blue),
               *room_walls("r2", *r2, h, blue, gaps={"w": (bay[1], bay[3])}),
               # the teleport pad and the sample's display plinths (models in DMLab)
               Static("pad", (40 + ox, -88 + oy, 0.0), (88 + ox, -40 + oy, 2.0), ((0.30, 0.85, 0.95),)),
               Static("plinth_1", (20 + ox, 44 + oy, 0.0), (60 + ox, 84 + oy, 4.0), ((0.75, 0.75, 0.75),)),
               Static("plinth_2", (20 + ox, -212 + oy, 0.0), (60 + ox, -172 + oy, 4.0), ((0.75, 0.75, 0.75),))]
    # the display enclosures: invisible clip walls, 80 x 80 u around each sample spot
    clip = tuple((x - 40 + ox, y - 40 + oy, 0.0, x + 40 + ox, y + 40 + oy, h) for x, y in ((40, 64), (40, -192)))
    return tuple(statics), clip


class SelectNonmatchingObject(RoomLevel):
    """DMLab-30 ``rooms_select_nonmatching_object``: delayed non-match-to-sample.

    ## Description
    Room 1 (384 x 384 u, 128 u high) shows a sample object behind invisible walls on
    one of two displays; the agent starts at DMLab point (-232, -64) facing +x (its
    spawn point has randomAngleRange 0) and steps on a teleport pad (48 x 48 u), which
    takes it to room 2 (arrival at (288, -64), facing +x). There two objects stand on
    two spots: the sample ("match") and another ("non-match"). The sample is drawn once
    per episode from 36 abstract objects (12 shapes x 3 colourings; DMLab's 12
    ``fut_obj`` models x 3 variants); the non-match object is re-drawn at every map
    restart, always different; the displays and the two spots are shuffled every time.
    Taking either object restarts the map (back to room 1).

    ## Rewards
    Teleport +1; the non-matching object +10, the matching one -10.

    ## Episode End
    Truncated after 12 s (180 steps), as DMLab's level file sets it.

    ## Arguments
    :class:`DMLabEnv`'s keyword arguments.
    """

    episode_seconds = 12.0
    n_items = 4
    offset = SNO_OFFSET
    statics, clip = _sno_statics()
    not_solid = frozenset({"floor_r1", "floor_bay", "floor_r2", "pad", "plinth_1", "plinth_2"})
    SAMPLE, CHOICE_1, CHOICE_2, PAD = 0, 1, 2, 3
    START = (-232.0, -64.0)
    ARRIVAL = (288.0, -64.0)
    EXAMPLES = ((40.0, 64.0), (40.0, -192.0))
    CHOICES = ((600.0, 64.0), (600.0, -192.0))

    def _object(self, slot: int, index: int, xy) -> None:
        shape, k = GEOMETRIC_OBJECTS[index]
        self._place_item_at(slot, shape, self._at(*xy), np.array(GEOMETRIC_COLORINGS[k]))

    def _new_episode(self, rng: np.random.Generator) -> None:
        self.match = int(rng.integers(len(GEOMETRIC_OBJECTS)))
        self._restart(rng)

    def _restart(self, rng: np.random.Generator) -> None:
        # DMLab's nextMap: a fresh non-match object (the match's twin draws again), both
        # example displays and both choice spots shuffled
        others = [i for i in range(len(GEOMETRIC_OBJECTS)) if i != self.match]
        self.nonmatch = int(others[int(rng.integers(len(others)))])
        ex = rng.permutation(2)
        ch = rng.permutation(2)
        self.sample_spot = int(ex[0])
        self._object(self.SAMPLE, self.match, self.EXAMPLES[ex[0]])
        self._active[self.SAMPLE] = False  # on show only, behind the display's clip walls
        self.nonmatch_spot = int(ch[0])
        self._object(self.CHOICE_1, self.nonmatch, self.CHOICES[ch[0]])
        self._object(self.CHOICE_2, self.match, self.CHOICES[ch[1]])
        self._place_trigger(self.PAD, self._at(64.0, -64.0), 24.0)
        self.arena.commit_items()
        self._spawn_at(*self._at(*self.START), 0.0)

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._restart(rng)

    def _on_pickup(self, slot: int) -> float:
        if slot == self.PAD:
            # Quake's teleporter: to the destination, facing its angle (0), pushed out
            # at 400 u/s
            self._spawn_at(*self._at(*self.ARRIVAL), 0.0)
            self._state[quake.VX] = 400.0
            self._flags[quake.ON_GROUND] = 1
            return TELEPORT_REWARD
        reward = NONMATCH_REWARD if slot == self.CHOICE_1 else MATCH_REWARD
        self._restart_map()
        return reward

    def _level_info(self) -> dict[str, Any]:
        return {"match_object": GEOMETRIC_OBJECTS[self.match], "nonmatch_object": GEOMETRIC_OBJECTS[self.nonmatch],
                "sample_spot": self.sample_spot, "nonmatch_spot": self.nonmatch_spot}


# ---------------------------------------------------------------------- watermaze
WM_OFFSET = (800.0, 800.0)
WM_RADIUS = 768.0  # the 16-sided wall's inner radius (DMLab: 760-768 u)
WM_WALL_HEIGHT = 200.0
WM_SEGMENTS = 64
PLATFORM_HALF = 64.0  # the 128 x 128 u platform
PLATFORM_RAISE = 96.0
PLATFORM_SPAWN_RADIUS = 580.0
PLATFORM_REWARD, PLATFORM_REWARD_LIMIT = 1.0, 5
#: The cue frames on the wall (DMLab point, shape), from em_watermaze.map.
WM_CUES = (((0, -760), "arc"), ((760, 0), "circle"), ((-760, 0), "clc"), ((0, 760), "square"),
           ((-536, -536), "hexagon"), ((536, 528), "triangle"), ((-536, 536), "diamond"), ((536, -536), "star"))
#: The 8 spawn points (DMLab points), from em_watermaze.map.
WM_SPAWNS = ((-488, 488), (-728, 0), (-496, -496), (0, -712), (504, -504), (712, 0), (504, 504), (0, 720))
_WM_BLUE = ("wall/style_01/blue",)


def _wm_statics() -> tuple[Static, ...]:
    ox, oy = WM_OFFSET
    side = 2 * math.pi * WM_RADIUS / WM_SEGMENTS * 1.25
    out = [floor_box("floor", ox - WM_RADIUS - 64, oy - WM_RADIUS - 64, ox + WM_RADIUS + 64, oy + WM_RADIUS + 64,
                     ("floor/style_01/blue",))]
    # the round wall as a ring of axis-aligned blocks whose inner faces touch the circle
    for k in range(WM_SEGMENTS):
        a = 2 * math.pi * (k + 0.5) / WM_SEGMENTS
        c, s = math.cos(a), math.sin(a)
        reach = WM_RADIUS + side / 2 * (abs(c) + abs(s))  # the block's centre: inner corner on the circle
        cx, cy = ox + reach * c, oy + reach * s
        out.append(Static(f"wall_{k}", (cx - side / 2, cy - side / 2, 0.0), (cx + side / 2, cy + side / 2, WM_WALL_HEIGHT),
                          _WM_BLUE, tile=side))
    for (x, y), shape in WM_CUES:
        # a cue block stands in front of the wall, its faces showing the shape
        r = math.hypot(x, y)
        cx, cy = ox + x / r * (WM_RADIUS - 20), oy + y / r * (WM_RADIUS - 20)
        out.append(Static(f"cue_{shape}", (cx - 40, cy - 40, 56.0), (cx + 40, cy + 40, 136.0), (f"cue/{shape}",), tile=80.0))
    out.append(Static("platform", (0, 0, -4.0), (128, 128, -2.0), ((0.85, 0.85, 0.80),)))
    return tuple(out)


class Watermaze(RoomLevel):
    """DMLab-30 ``rooms_watermaze``: the Morris water maze. Find a hidden platform and
    come back to it from other starts, by the cues on the wall.

    ## Description
    A round arena (radius 768 u, blue walls 200 u high, a water-blue floor, open sky)
    with eight cue frames on the wall at 45 degree steps (an arc, a circle, a ring with
    a bar, a square, a hexagon, a triangle, a diamond, a star). A 128 x 128 u platform
    lies hidden under the floor, its centre drawn once per episode uniformly over the
    disc of radius 580 u (radius 580 sqrt(U), angle 2 pi U). When the agent's box
    enters the platform's square the platform rises 96 u with the agent held on its
    centre, and DMLab's timer pays +1 a frame until +5 is given; the next frame
    restarts the map: the agent respawns at one of the 8 spawn points with a random yaw
    (the factory's face-the-centre angle is overridden by DMLab's default spawn
    randomAngleRange of 360), the platform hidden again in the same place.

    ## Rewards
    +1 on each of the 5 frames after the platform is found: +5 a find.

    ## Episode End
    Truncated after 120 s (1800 steps).

    ## Arguments
    :class:`DMLabEnv`'s keyword arguments.
    """

    episode_seconds = 120.0
    n_items = 1
    offset = WM_OFFSET
    statics = _wm_statics()
    not_solid = frozenset({"floor", "platform"} | {f"cue_{s}" for s in CUE_SHAPES})
    PLATFORM = 0

    def _new_episode(self, rng: np.random.Generator) -> None:
        alpha = rng.uniform(0.0, 2 * math.pi)
        r = PLATFORM_SPAWN_RADIUS * math.sqrt(rng.uniform(0.0, 1.0))
        self.platform = np.array(self._at(r * math.cos(alpha), r * math.sin(alpha)))
        self.finds = 0
        self._restart(rng)

    def _restart(self, rng: np.random.Generator) -> None:
        self._held = -1  # frames since the platform was found; -1: not on it
        self._paid = 0
        px, py = self.platform
        self.arena.set_static("platform", lo=(px - PLATFORM_HALF, py - PLATFORM_HALF, -4.0),
                              hi=(px + PLATFORM_HALF, py + PLATFORM_HALF, -2.0))
        self._show_static("platform", False)
        self._place_trigger(self.PLATFORM, tuple(self.platform), PLATFORM_HALF)
        self.arena.commit_items()
        x, y = WM_SPAWNS[int(rng.integers(len(WM_SPAWNS)))]
        self._spawn_at(*self._at(x, y), self._random_yaw(rng))

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._restart(rng)

    def _on_pickup(self, slot: int) -> float:
        self._active[slot] = False
        self.finds += 1
        px, py = self.platform
        self.arena.set_static("platform", lo=(px - PLATFORM_HALF, py - PLATFORM_HALF, 0.0),
                              hi=(px + PLATFORM_HALF, py + PLATFORM_HALF, PLATFORM_RAISE))
        self._show_static("platform", True)
        self._held = 0
        self._found_frame = self.frames
        self._hold()
        return 0.0

    def _hold(self) -> None:
        # DMLab's playerMover: the agent is set on the platform's centre, its horizontal
        # velocity cancelled
        st = self._state
        st[quake.X], st[quake.Y] = self.platform
        st[quake.Z] = PLATFORM_RAISE - quake.PLAYER_MINS[2] + quake.SURFACE_CLIP_EPSILON
        st[quake.VX] = st[quake.VY] = st[quake.VZ] = 0.0

    def _after_frames(self) -> float:
        if self._held < 0:
            return 0.0
        # frames run since the last call (the platform's timer fires once a frame)
        reward = 0.0
        while self._held < self._frames_seen():
            self._held += 1
            if self._paid >= PLATFORM_REWARD_LIMIT:
                self._restart_map()
                return reward
            self._paid += 1
            reward += PLATFORM_REWARD
        self._hold()
        return reward

    def _frames_seen(self) -> int:
        return self.frames - self._found_frame

    def _level_info(self) -> dict[str, Any]:
        return {"platform": self.platform.copy(), "finds": self.finds, "on_platform": self._held >= 0}
