"""The keys-doors puzzle generator of DMLab-30's ``rooms_keys_doors_puzzle``, in numpy.

An independent reimplementation (our own code and structure) of the behaviour of
DeepMind Lab's ``map_generators/keys_doors`` Lua package, read for its facts only. It
draws a small set of rooms on a room grid, links them with coloured doors and places
coloured keys so that one sequence of key pick-ups and door openings (the *core
sequence*) leads from the spawn room to the goal, plus distractors. :func:`generate`
returns a :class:`Puzzle` (text map, spawn, keys, doors, goal); :func:`solve` finds a
shortest plan (in key/door/goal events) under the level's rules.

Where the facts come from
-------------------------
``configs.lua`` (the level sets no generator options, so these defaults are the level's
values; a pair is an inclusive integer range sampled uniformly per attempt):

* core sequence length U{1..3} key/door pairs; colours drawn without replacement from
  (red, green, blue, black, white); the colour list must be longer than the sequence;
* 1 trap room (probability 0.5 of trying to place it while the core is laid out, else
  afterwards), 1 red-herring room (probability 0.5 during the core, placed before or
  after that step's room with equal odds, otherwise afterwards; its door colour is any
  core colour), easy extra rooms U{0..1}, 2 unopenable doors, useless keys U{0..1},
  extra openable doors U{0..1}, 0 extra useful keys, 0 useless keys in red-herring
  rooms, at most 1 empty room, entered through an open doorway; its probability per
  core step is 0.8 / 0.5 / 0 for core length 1 / 2 / 3; compact placement; no filling
  with empty rooms; objects may go in the goal room; any start room on a 3 x 3 grid.

``gen.lua`` (the assembly order, reproduced step by step): core colours, start room
(spawn), then per core step an optional empty room, an optional red herring, and either
"new room off the last room, key anywhere already reachable" or "key in the last room,
new room off any reachable room" (50/50); the goal goes in the last core room; then the
remaining trap room, easy extra rooms (door colour from the unused colours, no key),
remaining red herring, unopenable doors (unused colours, between adjacent rooms not yet
linked), openable doors (core colours), useless keys (unused colours that no unopenable
door has). A failed attempt (no grid space for a core room) re-samples the whole config
and starts again. Quirk kept: the Lua records an empty room twice in its count, so the
empty-room cap is effectively ``ceil(num_max_empty_rooms / 2)`` (1 for the default 1).

``room_grid.lua``: free neighbour cells are tried right, down, left, up; "compact" keeps
only those closest to the start room, distance measured as (3 di)^2 + (4 dj)^2 (rooms
are 3 x 4 cells apart with their walls), ties broken uniformly; a room with grid space
is chosen among the rooms whose (random) free neighbour is closest to the start.

``room.lua``: a room is 2 rows x 3 columns of floor; at most 2 objects, on the bottom
row's left and right cells (which object takes which side is drawn per room); the spawn
is one of the top row's 3 cells or the bottom middle cell (uniform); a link to the room
below / above is the wall cell under / over the middle column, a link to the left /
right room the wall cell beside the top row. A link is a coloured door or, without a
colour, an open doorway. Only the room that made a link draws it.

``objects_and_map.lua``: the map covers the bounding box of the used rooms: room (i, j)
of an R x C box has its top-left floor cell at row 3 i + 2, column 4 j + 2 (0-based) of
a (3 R + 3) x (4 C + 3) map, so the outer wall is 2 cells thick and rooms are 1 wall
cell apart; door characters are 'H' for doors in a wall row (linking the rooms above and
below) and 'I' for doors in a wall column (left/right); keys and doors are listed top to
bottom, left to right.

``keys_doors_puzzle_factory.lua`` (the rules, used by :func:`solve`): the agent carries
at most one key; picking up a key (each key is taken once, no respawn) replaces the
carried key, which is gone (not dropped); a door opens, for good, when touched while
carrying its colour, and that consumes the key; other touches do nothing. Rewards there:
+1 a key, +1 a door, +50 the goal (its pickup quantity), which ends the episode 0.2 s
later;
episodes last 60 s (``rooms_keys_doors_puzzle.lua``).

Deviations: randomness comes only from the numpy generator (same seed, same puzzle; not
DMLab's streams). Where the Lua would raise mid-generation (no grid cell left for an
easy extra room or for the goal room), the attempt is restarted instead. Override
names are snake_case versions of the Lua ones and grid positions are 0-based.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

__all__ = ["COLORS", "COLOR_RGB", "DEFAULT_CONFIG", "Puzzle", "generate", "solve", "lua_map"]

#: Key and door colours, in the generator's order.
COLORS: tuple[str, ...] = ("red", "green", "blue", "black", "white")
#: Their RGB values (0..1) as the factory paints doors, keys and the held-key square.
COLOR_RGB: dict[str, tuple[float, float, float]] = {
    "red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0),
    "white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0),
}

#: The level's generator config. A (lo, hi) pair is sampled as an integer in [lo, hi].
DEFAULT_CONFIG: dict[str, Any] = {
    "core_sequence_length": (1, 3),
    "core_no_early_keys": False,
    "num_trap_rooms": 1,
    "prob_trap_room_during_core": 0.5,
    "num_easy_extra_rooms": (0, 1),
    "num_red_herring_rooms": 1,
    "num_max_empty_rooms": 1,
    "red_herring_respect_core_order": False,
    "prob_red_herring_room_during_core": 0.5,
    "num_red_herring_room_useless_keys": 0,
    "num_unopenable_doors": 2,
    "num_useless_keys": (0, 1),
    "extra_useful_keys": 0,
    "num_openable_doors": (0, 1),
    "compact": True,
    "fill_with_empty_rooms": False,
    "prob_empty_room_during_core": None,  # None: 0.8 / 0.5 / 0 for core length 1 / 2 / >2
    "start_room_grid_positions": None,  # None: anywhere; else [(row, col), ...], 0-based
    "room_grid_height": 3,
    "room_grid_width": 3,
    "add_to_goal_room": True,
    "possible_colors": COLORS,
}

_SAMPLED = ("core_sequence_length", "num_trap_rooms", "num_easy_extra_rooms",
            "num_red_herring_rooms", "num_unopenable_doors", "num_useless_keys",
            "extra_useful_keys", "num_openable_doors", "num_red_herring_room_useless_keys")
_FLAGS = ("core_no_early_keys", "red_herring_respect_core_order", "compact",
          "fill_with_empty_rooms", "add_to_goal_room")
_PROBS = ("prob_trap_room_during_core", "prob_red_herring_room_during_core",
          "prob_empty_room_during_core")

ROOM_SHAPE = (2, 3)  #: floor rows x columns of one room
ROOM_PITCH = (3, 4)  #: map cells from one room to the next (room + 1 wall cell)
BORDER = 2  #: wall cells around the rooms' bounding box
#: Spawn cells (row, col) relative to a room's top-left floor cell; one is drawn.
SPAWN_OFFSETS = ((0, 0), (0, 1), (0, 2), (1, 1))
_MAX_ATTEMPTS = 1000
_Cell = tuple[int, int]


@dataclass(frozen=True)
class Puzzle:
    """One generated level. Cells are (row, col) of ``entity``.

    ``entity`` rows use '*' wall, ' ' floor (key and goal cells too), 'P' the spawn,
    'H' a door in a wall row (links the cells above and below), 'I' a door in a wall
    column (links left and right). ``keys`` and ``doors`` are in map order (top to
    bottom, left to right); every door has a colour, and an unopenable door's colour
    has no key in the level. ``core`` is the core sequence's colours in order.
    """

    entity: list[str]
    spawns: np.ndarray
    keys: tuple[tuple[str, _Cell], ...]
    doors: tuple[tuple[str | None, _Cell], ...]
    goal: _Cell
    core: tuple[str, ...]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Puzzle):
            return NotImplemented
        return (self.entity == other.entity and np.array_equal(self.spawns, other.spawns)
                and self.keys == other.keys and self.doors == other.doors
                and self.goal == other.goal and self.core == other.core)

    __hash__ = None  # type: ignore[assignment]


# --------------------------------------------------------------------------- config


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_pair(v: Any) -> bool:
    return isinstance(v, (tuple, list)) and len(v) == 2 and all(_is_int(x) for x in v)


def _check_config(overrides: dict[str, Any]) -> dict[str, Any]:
    """The default config updated with ``overrides``, each value checked."""
    unknown = sorted(set(overrides) - set(DEFAULT_CONFIG))
    if unknown:
        raise ValueError(f"unknown keys_doors config key(s) {', '.join(map(repr, unknown))}; "
                         f"valid keys: {', '.join(DEFAULT_CONFIG)}")
    cfg = {**DEFAULT_CONFIG, **overrides}

    def bad(key: str, why: str) -> ValueError:
        return ValueError(f"keys_doors config {key}={cfg[key]!r}: {why}")

    for key in _SAMPLED:
        v, low = cfg[key], 1 if key == "core_sequence_length" else 0
        if _is_int(v):
            if v < low:
                raise bad(key, f"must be >= {low}")
        elif _is_pair(v):
            if not low <= v[0] <= v[1]:
                raise bad(key, f"must be a range (lo, hi) with {low} <= lo <= hi")
        else:
            raise bad(key, "must be an int or an inclusive (lo, hi) pair of ints")
    for key in _FLAGS:
        if not isinstance(cfg[key], (bool, np.bool_)):
            raise bad(key, "must be a bool")
    for key in _PROBS:
        v = cfg[key]
        if v is None and key == "prob_empty_room_during_core":
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) \
                or not 0.0 <= v <= 1.0:
            raise bad(key, "must be a probability in [0, 1]")
    if not _is_int(cfg["num_max_empty_rooms"]) or cfg["num_max_empty_rooms"] < 0:
        raise bad("num_max_empty_rooms", "must be an int >= 0")
    for key in ("room_grid_height", "room_grid_width"):
        if not _is_int(cfg[key]) or cfg[key] < 1:
            raise bad(key, "must be an int >= 1")
    colors = cfg["possible_colors"]
    if isinstance(colors, str) or not isinstance(colors, Sequence) or not colors \
            or any(c not in COLORS for c in colors) or len(set(colors)) != len(colors):
        raise bad("possible_colors", f"must be distinct names from {COLORS}")
    core = cfg["core_sequence_length"]
    if (core if _is_int(core) else core[1]) >= len(colors):
        raise bad("core_sequence_length", f"needs fewer than len(possible_colors)="
                  f"{len(colors)} colours")
    starts = cfg["start_room_grid_positions"]
    if starts is not None:
        h, w = cfg["room_grid_height"], cfg["room_grid_width"]
        if isinstance(starts, (str, bytes)) or not isinstance(starts, Sequence) or not starts \
                or not all(_is_pair(p) and 0 <= p[0] < h and 0 <= p[1] < w for p in starts):
            raise bad("start_room_grid_positions",
                      f"must be a non-empty list of 0-based (row, col) inside the {h}x{w} grid")
    return cfg


def _sample_config(rng: np.random.Generator, cfg: dict[str, Any]) -> dict[str, Any]:
    out = dict(cfg)
    for key in _SAMPLED:
        if not _is_int(out[key]):
            out[key] = int(rng.integers(out[key][0], out[key][1] + 1))
        out[key] = int(out[key])
    if out["prob_empty_room_during_core"] is None:
        out["prob_empty_room_during_core"] = {1: 0.8, 2: 0.5}.get(out["core_sequence_length"], 0.0)
    out["possible_colors"] = tuple(out["possible_colors"])
    if out["start_room_grid_positions"] is not None:
        out["start_room_grid_positions"] = [(int(i), int(j))
                                            for i, j in out["start_room_grid_positions"]]
    return out


# ---------------------------------------------------------------------- room grid


class _Room:
    """A room of the grid: its links to rooms it opened onto, objects and role."""

    def __init__(self, idx: int, pos: _Cell, role: str, key_side_first: bool):
        self.idx = idx
        self.pos = pos
        self.role = role
        self.entry_color: str | None = None
        self.links: dict[_Cell, _Room] = {}  # grid pos -> room this one links to
        self.door_colors: dict[_Cell, str] = {}  # grid pos -> colour of that link's door
        self.objects: list[str] = []  # a colour (a key) or "goal"
        self.sides = (0, 2) if key_side_first else (2, 0)
        self.spawn = False

    def add_object(self, obj: str) -> bool:
        if len(self.objects) >= 2:
            return False
        self.objects.append(obj)
        return True

    def has_space(self) -> bool:
        return len(self.objects) < 2


class _Grid:
    def __init__(self, rng: np.random.Generator, cfg: dict[str, Any]):
        self.rng = rng
        self.height, self.width = cfg["room_grid_height"], cfg["room_grid_width"]
        self.compact = cfg["compact"]
        self.rooms: list[_Room] = []
        self.at: dict[_Cell, _Room] = {}

    def pick(self, n: int) -> int:
        return int(self.rng.integers(n))

    def create(self, pos: _Cell, role: str, entry: _Room | None = None,
               color: str | None = None) -> _Room:
        assert pos not in self.at
        room = _Room(len(self.rooms), pos, role, self.pick(2) == 0)
        if entry is not None:
            entry.links[pos] = room
            if color is not None:
                entry.door_colors[pos] = color
                room.entry_color = color
        self.rooms.append(room)
        self.at[pos] = room
        return room

    def free_neighbours(self, room: _Room) -> list[_Cell]:
        i, j = room.pos
        return [p for p in ((i, j + 1), (i + 1, j), (i, j - 1), (i - 1, j))
                if p not in self.at and 0 <= p[0] < self.height and 0 <= p[1] < self.width]

    @staticmethod
    def closest(positions: list[_Cell], start: _Cell) -> list[int]:
        d = [(3 * (p[0] - start[0])) ** 2 + (4 * (p[1] - start[1])) ** 2 for p in positions]
        return [k for k, v in enumerate(d) if v == min(d)]

    def random_free_pos(self, room: _Room, start: _Cell) -> _Cell | None:
        free = self.free_neighbours(room)
        if not free:
            return None
        if self.compact:
            free = [free[k] for k in self.closest(free, start)]
        return free[self.pick(len(free))]

    def _included(self, exclude: Sequence[int] | range,
                  include: Sequence[int] | None) -> list[_Room]:
        ids = set(range(len(self.rooms)) if include is None else include) - set(exclude)
        return [r for r in self.rooms if r.idx in ids]

    def room_with_object_space(self, exclude: Sequence[int] = (),
                               include: Sequence[int] | None = None) -> _Room | None:
        rooms = [r for r in self._included(exclude, include) if r.has_space()]
        return rooms[self.pick(len(rooms))] if rooms else None

    def room_with_grid_space(self, start: _Cell, exclude: Sequence[int] | range = ()
                             ) -> tuple[_Room, _Cell] | tuple[None, None]:
        found = []
        for room in self._included(exclude, None):
            pos = self.random_free_pos(room, start)
            if pos is not None:
                found.append((room, pos))
        if not found:
            return None, None
        if self.compact:
            ties = self.closest([p for _, p in found], start)
            return found[ties[self.pick(len(ties))]]
        return found[self.pick(len(found))]


# ---------------------------------------------------------------------- generation


def _build(rng: np.random.Generator, cfg: dict[str, Any]) -> tuple[_Grid, list[str]] | None:
    """One attempt at laying out the rooms; None where it runs out of grid space."""
    g = _Grid(rng, cfg)

    def choice(seq: Sequence[str]) -> str | None:
        return seq[g.pick(len(seq))] if len(seq) else None

    n_core = cfg["core_sequence_length"]
    free = list(cfg["possible_colors"])
    core = [free.pop(g.pick(len(free))) for _ in range(n_core)]
    starts = cfg["start_room_grid_positions"]
    if starts:
        start = starts[g.pick(len(starts))]
    else:
        start = (g.pick(g.height), g.pick(g.width))

    last = g.create(start, "start")
    last.spawn = True
    core_rooms = [last]
    competing_rooms: list[_Room] = []  # core rooms a trap room may compete with
    core_index: dict[int, int] = {}  # room idx -> 1-based position of its door in the core
    traps: list[int] = []
    herrings: list[int] = []
    no_objects_from_core: list[int] = []  # trap and red-herring rooms
    excluded: list[int] = []  # the goal room when add_to_goal_room is off
    unopenable: set[str] = set()
    empty_count = 0
    step = 0  # 1-based core step being laid out

    def add_trap(competing: _Room) -> bool:
        if len(traps) == cfg["num_trap_rooms"] or core_index[competing.idx] == n_core:
            return False
        # only off rooms made before the competing room
        entry, pos = g.room_with_grid_space(start, range(competing.idx, len(g.rooms)))
        if entry is None:
            return False
        trap = g.create(pos, "trap", entry, competing.entry_color)
        trap.add_object(choice(core[core_index[competing.idx]:]))  # a later core key
        traps.append(trap.idx)
        no_objects_from_core.append(trap.idx)
        return True

    def add_herring() -> bool:
        if not core or len(herrings) >= cfg["num_red_herring_rooms"]:
            return False
        top = step if cfg["red_herring_respect_core_order"] else n_core
        color = choice(core[:top])
        entry, pos = g.room_with_grid_space(start, excluded)
        if entry is None:
            return False
        room = g.create(pos, "red_herring", entry, color)
        herrings.append(room.idx)
        no_objects_from_core.append(room.idx)
        return True

    def add_extra_doors(openable: bool) -> None:
        limit = cfg["num_openable_doors"] if openable else cfg["num_unopenable_doors"]
        colors = core if openable else free
        if not colors:
            return
        order = list(g.rooms)
        for i in range(len(order)):
            k = int(rng.integers(i, len(order)))
            order[i], order[k] = order[k], order[i]
        added = 0
        for room in order:
            for di, dj in ((1, 0), (0, 1), (-1, 0), (0, -1)):
                if added == limit:
                    return
                pos = (room.pos[0] + di, room.pos[1] + dj)
                other = g.at.get(pos)
                if other is None or pos in room.links or room.pos in other.links:
                    continue
                color = choice(colors)
                room.links[pos] = other
                room.door_colors[pos] = color
                if not openable:
                    unopenable.add(color)
                added += 1

    for i_room in range(1, n_core + 1):
        if empty_count < cfg["num_max_empty_rooms"] \
                and rng.random() <= cfg["prob_empty_room_during_core"]:
            pos = g.random_free_pos(last, start)
            if pos is not None:
                last = g.create(pos, "empty", last)  # open doorway, no door
                empty_count += 2  # the Lua counts an empty room twice
        step += 1
        herring_when = None
        if rng.random() <= cfg["prob_red_herring_room_during_core"]:
            herring_when = ("before", "after")[g.pick(2)]
        if herring_when == "before":
            add_herring()

        key_first = g.pick(2) == 0 and not cfg["core_no_early_keys"]
        last_free = g.random_free_pos(last, start)
        if key_first and last_free is not None:
            # the new room hangs off the last one; its key goes in any reachable room
            connecting, pos = last, last_free
            key_room = g.room_with_object_space(no_objects_from_core)
        else:
            # the key goes in the last room; the new room may hang off any reachable room
            key_room = last
            if cfg["num_trap_rooms"] - len(traps) >= n_core - i_room + 1:
                connecting, pos = last, last_free
            else:
                connecting, pos = g.room_with_grid_space(start, no_objects_from_core)
        if connecting is None or pos is None or key_room is None:
            return None
        color = core[step - 1]
        if not key_room.add_object(color):
            return None
        new = g.create(pos, "core", connecting, color)
        core_index[new.idx] = step
        if len(core_rooms) > 1 and connecting is last:
            competing_rooms.append(core_rooms[-1])
            if rng.random() <= cfg["prob_trap_room_during_core"]:
                add_trap(core_rooms[-1])
        last = new
        core_rooms.append(new)
        if i_room == n_core:
            new.add_object("goal")
            if not cfg["add_to_goal_room"]:
                excluded.append(new.idx)
        if herring_when == "after":
            add_herring()

    for room in competing_rooms:
        if len(traps) >= cfg["num_trap_rooms"]:
            break
        add_trap(room)

    for _ in range(cfg["num_easy_extra_rooms"]):
        color = choice(free)  # no key will have it (unless a useless key does)
        entry, pos = g.room_with_grid_space(start, excluded)
        if entry is None:
            return None
        g.create(pos, "easy", entry, color)

    while len(herrings) < cfg["num_red_herring_rooms"] and add_herring():
        pass

    add_extra_doors(openable=False)
    add_extra_doors(openable=True)

    useless = [c for c in free if c not in unopenable]
    for _ in range(cfg["num_red_herring_room_useless_keys"]):
        room = g.room_with_object_space(include=herrings)
        if not useless or room is None:
            break
        room.add_object(choice(useless))
    for _ in range(cfg["num_useless_keys"]):
        room = g.room_with_object_space(excluded)
        if not useless or room is None:
            break
        room.add_object(choice(useless))

    if cfg["fill_with_empty_rooms"]:
        entry, pos = g.room_with_grid_space(start)
        while entry is not None:
            g.create(pos, "fill", entry)
            entry, pos = g.room_with_grid_space(start)

    for _ in range(cfg["extra_useful_keys"]):
        room = g.room_with_object_space(excluded)
        if room is None:
            break
        room.add_object(choice(core))
    return g, core


def _render(g: _Grid, core: list[str]) -> Puzzle:
    rows = [r.pos[0] for r in g.rooms]
    cols = [r.pos[1] for r in g.rooms]
    i0, j0 = min(rows), min(cols)
    n_rows, n_cols = max(rows) - i0 + 1, max(cols) - j0 + 1
    grid = np.full((ROOM_PITCH[0] * n_rows + 3, ROOM_PITCH[1] * n_cols + 3), "*", dtype="<U1")
    keys, doors = [], []
    goal = spawn = None
    for room in g.rooms:
        gi, gj = room.pos
        top = ROOM_PITCH[0] * (gi - i0) + BORDER
        left = ROOM_PITCH[1] * (gj - j0) + BORDER
        grid[top: top + ROOM_SHAPE[0], left: left + ROOM_SHAPE[1]] = " "
        for obj, side in zip(room.objects, room.sides):
            cell = (top + 1, left + side)
            if obj == "goal":
                goal = cell
            else:
                keys.append((obj, cell))
        for (di, dj), cell, char in (((1, 0), (top + 2, left + 1), "H"),
                                     ((-1, 0), (top - 1, left + 1), "H"),
                                     ((0, -1), (top, left - 1), "I"),
                                     ((0, 1), (top, left + 3), "I")):
            pos = (gi + di, gj + dj)
            if pos in room.links:
                assert grid[cell] == "*"
                color = room.door_colors.get(pos)
                grid[cell] = " " if color is None else char
                if color is not None:
                    doors.append((color, cell))
        if room.spawn:
            di, dj = SPAWN_OFFSETS[g.pick(len(SPAWN_OFFSETS))]
            spawn = (top + di, left + dj)
            grid[spawn] = "P"
    assert goal is not None and spawn is not None
    spawns = np.array([spawn], dtype=np.int64)
    spawns.flags.writeable = False
    return Puzzle(entity=["".join(row) for row in grid], spawns=spawns,
                  keys=tuple(sorted(keys, key=lambda kc: kc[1])),
                  doors=tuple(sorted(doors, key=lambda dc: dc[1])),
                  goal=goal, core=tuple(core))


def generate(rng: np.random.Generator, **overrides: Any) -> Puzzle:
    """A random puzzle of ``rooms_keys_doors_puzzle``; ``overrides`` replace fields of
    :data:`DEFAULT_CONFIG` (a ValueError names any unknown key or bad value). Attempts
    that run out of room-grid space are redone with a freshly sampled config, as in the
    Lua; a RuntimeError after 1000 failed attempts (only reachable with overrides)."""
    cfg = _check_config(overrides)
    for _ in range(_MAX_ATTEMPTS):
        built = _build(rng, _sample_config(rng, cfg))
        if built is not None:
            return _render(*built)
    raise RuntimeError(f"keys_doors: no layout after {_MAX_ATTEMPTS} attempts with {overrides}")


def lua_map(p: Puzzle) -> str:
    """The map as the Lua generator writes it: 'K' keys and 'G' the goal drawn in, one
    newline-terminated line a row."""
    rows = [list(r) for r in p.entity]
    for _, (r, c) in p.keys:
        rows[r][c] = "K"
    rows[p.goal[0]][p.goal[1]] = "G"
    return "".join("".join(r) + "\n" for r in rows)


# ------------------------------------------------------------------------- solver


def solve(p: Puzzle, spawn: tuple[int, int]) -> list[tuple[str, tuple[int, int]]] | None:
    """A plan with the fewest events that takes the goal from ``spawn``, or None.

    Events are ("key", cell) picking a key up (it replaces the carried one, which is
    lost), ("door", cell) opening a door by touching it with the matching key (the key
    is used up; the door stays open) and finally ("goal", cell). Between events the
    agent walks over floor, opened doors and cells of keys already taken; stepping on a
    key cell is a pick-up, so a walk never crosses a key it does not pick up; closed
    doors it cannot open are walls."""
    h, w = len(p.entity), len(p.entity[0])
    start = (int(spawn[0]), int(spawn[1]))
    key_at = {cell: (k, color) for k, (color, cell) in enumerate(p.keys)}
    door_at = {cell: (k, color) for k, (color, cell) in enumerate(p.doors)}
    if not (0 <= start[0] < h and 0 <= start[1] < w) or p.entity[start[0]][start[1]] not in " P" \
            or start in key_at or start == p.goal:
        raise ValueError(f"spawn {start} is not a free floor cell")

    def walkable(cell: _Cell, opened: int, taken: int) -> bool:
        r, c = cell
        if not (0 <= r < h and 0 <= c < w) or cell == p.goal:
            return False
        if cell in door_at:
            return bool(opened >> door_at[cell][0] & 1)
        if cell in key_at:
            return bool(taken >> key_at[cell][0] & 1)
        return p.entity[r][c] in " P"

    queue = deque([(start, None, 0, 0, [])])
    seen = set()
    while queue:
        pos, held, opened, taken, plan = queue.popleft()
        region = {pos}
        todo = [pos]
        while todo:
            r, c = todo.pop()
            for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                if nb not in region and walkable(nb, opened, taken):
                    region.add(nb)
                    todo.append(nb)
        state = (min(region), held, opened, taken)
        if state in seen:
            continue
        seen.add(state)
        edge = sorted({nb for r, c in region
                       for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))} - region)
        if p.goal in edge:
            return plan + [("goal", p.goal)]
        for cell in edge:
            if cell in key_at and not taken >> key_at[cell][0] & 1:
                k, color = key_at[cell]
                queue.append((cell, color, opened, taken | 1 << k, plan + [("key", cell)]))
            elif cell in door_at and not opened >> door_at[cell][0] & 1 \
                    and held is not None and door_at[cell][1] == held:
                queue.append((cell, None, opened | 1 << door_at[cell][0], taken,
                              plan + [("door", cell)]))
    return None
