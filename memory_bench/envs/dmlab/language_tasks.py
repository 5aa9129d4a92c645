"""DMLab's language task generator, rebuilt: the maps, object attributes, instructions
and reward rules of the four DMLab-30 ``language_*`` levels.

What is DMLab's (read from deepmind/lab's ``game_scripts/levels/contributed/dmlab30/
language_*.lua`` and ``game_scripts/language/*.lua``; facts only, our own code):

* A *task* is a list of object *groups*. Each group has a count and a spec per
  attribute (shape, colour, second colour, pattern, size, region, rewards, whether it
  can be picked up). A spec is a literal, a uniform draw, "the same as group k's first
  object", "different from every object of groups k..." or "common within the group"
  (the first object draws, the rest copy). Groups are drawn in order, so a spec can only
  refer to earlier groups.
* The map's ``O`` marks are the object slots, numbered in reading order; ``P`` marks are
  spawn points, one chosen uniformly, facing east (yaw 0) give or take half the level's
  spawn-angle range (20 degrees, or any yaw where the range is 360). A *random* placer
  puts the objects in uniformly random distinct slots; a *room* placer puts each object,
  in order, in a random free slot of its region (a letter of the variations layer;
  ``any``: anywhere).
* The instruction is the task's key with ``[goal.shape]``, ``[goal.color]``,
  ``[goal.roomColor.floor]``, ``[other.shape]`` and ``[other.color]`` filled in from
  the first object of the goal group and of group 2. Shape names are DMLab's
  identifiers, underscores and all ("hair_brush", "apple2").
* Reward controllers: *simple* (the object's own reward), *balanced* (the goal +10, any
  other object -round(10 / number of non-goal objects)), *balanced counting* (every goal
  object +1, the last one +10 more; another object -round(total goal reward / number
  of non-goal objects)) and *answer* (+10 for the right one of the yes/no objects, -10
  for the wrong one). A task ends (DMLab's ``finishMap``: the map restarts with a new
  task) at any pickup, except a counting task's goal objects before the last.
* Colours: DMLab's 13 named colours (HSL values) with Gaussian noise of standard
  deviation 1 per RGB channel, floored; floors of coloured regions take the exact
  colour.

What is ours: the random streams (numpy's, seeded by the env's reset) and the order of
draws, so a seed gives a different (equally distributed) task sequence than DMLab's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np

from memory_bench.engine.hr_shapes import COLOR_NAMES, COLORS, PATTERNS, SHAPE_NAMES

LEVELS = ("select_described_object", "select_located_object", "execute_random_task",
          "answer_quantitative_question")
RGBCMY = ("red", "green", "blue", "cyan", "magenta", "yellow")
SIZES = ("small", "medium", "large")
DO_NOT_PLACE = "DO_NOT_PLACE"
ANY = "any"
#: Floor colours the levels lay on their coloured regions (indices of the env's floor materials).
FLOOR_COLORS = RGBCMY + ("orange", "black")

def rgb255(name: str) -> np.ndarray:
    """DMLab's RGB (0..255, float) of a colour name, without noise."""
    return np.array(COLORS[name]) * 255.0


def noisy_rgb(name: str, rng: np.random.Generator, noise: float = 1.0) -> np.ndarray:
    """An object's colour as DMLab draws it: the named colour plus N(0, noise) per
    channel, clamped to 0..255 and floored; returned in 0..1."""
    rgb = rgb255(name)
    if noise > 0:
        rgb = np.floor(np.clip(rgb + rng.normal(0.0, noise, 3), 0.0, 255.0))
    return rgb / 255.0


# ---------------------------------------------------------------------------- maps
@dataclass(frozen=True)
class MapInfo:
    """A text map of a language level: ``entity`` and ``variations`` rows (short rows
    are walls to the right, as DMLab pads them); ``custom_floors`` when its regions take
    flat floor colours."""

    name: str
    entity: tuple[str, ...]
    variations: tuple[str, ...] | None = None
    custom_floors: bool = False

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.entity), max(len(r) for r in self.entity)

    def _find(self, char: str) -> list[tuple[int, int]]:
        return [(i, j) for i, row in enumerate(self.entity) for j, c in enumerate(row) if c == char]

    @property
    def slots(self) -> list[tuple[int, int]]:
        """Object slots (``O``) in reading order: DMLab's map ids 1, 2, ..."""
        return self._find("O")

    @property
    def spawns(self) -> list[tuple[int, int]]:
        return self._find("P")

    def region_at(self, cell: tuple[int, int]) -> str | None:
        if self.variations is None:
            return None
        row = self.variations[cell[0]]
        c = row[cell[1]] if cell[1] < len(row) else "."
        return None if c == "." else c

    @property
    def regions(self) -> tuple[str, ...]:
        """The lettered regions of the variations layer (DMLab's ``rooms``)."""
        if self.variations is None:
            return ()
        return tuple(sorted({c for row in self.variations for c in row if c != "."}))


def _map(name: str, entity: str, variations: str | None = None, custom_floors: bool = False) -> MapInfo:
    rows = tuple(entity.strip("\n").split("\n"))
    var = tuple(variations.strip("\n").split("\n")) if variations else None
    return MapInfo(name, rows, var, custom_floors)


FOUR_POSITIONS = _map("fourPositions", "..O.O\nP....\n..O.O")
_TWO_AREA = ("O....O\n..PP..\nO....O", "AAABBB\nAAABBB\nAAABBB")
_TWO_ROOM = ("O..***..O\n..P...P..\nO..***..O", "AAA...BBB\nAAA...BBB\nAAA...BBB")
_FOUR_ROOM = (
    "***O.O***\n***...***\n***.P.***\nO..*.*..O\n..P...P..\nO..*.*..O\n***.P.***\n***...***\n***O.O***",
    "...AAA...\n...AAA...\n...AAA...\nBBB...CCC\nBBB...CCC\nBBB...CCC\n...DDD...\n...DDD...\n...DDD...",
)
_SIX_ROOM = (
    "O..***..O\n..P...P..\nO..*.*..O\n****.****\nO..*.*..O\n..P...P..\nO..*.*..O\n****.****\n"
    "O..*.*..O\n..P...P..\nO..***..O",
    "AAA...BBB\nAAA...BBB\nAAA...BBB\n.........\nCCC...DDD\nCCC...DDD\nCCC...DDD\n.........\n"
    "EEE...FFF\nEEE...FFF\nEEE...FFF",
)
#: The maps of select_located_object (coloured floors) and execute_random_task (themed).
ROOM_MAPS = {
    custom: {
        2: (_map("twoAreaMap" + suffix, *_TWO_AREA, custom), _map("twoRoomMap" + suffix, *_TWO_ROOM, custom)),
        4: (_map("fourRoomMap" + suffix, *_FOUR_ROOM, custom),),
        6: (_map("sixRoomMap" + suffix, *_SIX_ROOM, custom),),
    }
    for custom, suffix in ((True, "_customFloors"), (False, ""))
}
QUANTIFICATION_MAP = _map("quantificationSmallMap", ".....O\nP..OO\nP..OO\n.....O",
                          "CCCCCA\nCCCDD\nCCCDD\nCCCCCB", custom_floors=True)


# ---------------------------------------------------------------------------- attribute specs
Spec = Any  # a literal, a callable (candidates, groups, attr, rng) -> value, or a list of those (chained)
ATTRIBUTES = ("color", "color2", "pattern", "region", "reward", "reward2", "shape", "size", "can_pickup")


def rand(cands, groups, attr, rng):
    """A uniform draw from the candidates."""
    if not len(cands):
        raise ValueError(f"no candidates left for {attr}")
    return cands[int(rng.integers(len(cands)))]


def same(g: int) -> Callable:
    """The value of group ``g``'s first object (1-based groups, as DMLab's)."""
    return lambda cands, groups, attr, rng: getattr(groups[g - 1][0], attr)


def _exclude(g):
    gs = g if isinstance(g, (list, tuple)) else (g,)
    return lambda cands, groups, attr: [c for c in cands
                                        if all(getattr(o, attr) != c for k in gs for o in groups[k - 1])]


def diff(g) -> Callable:
    """A uniform draw among the candidates no object of group(s) ``g`` has."""
    ex = _exclude(g)
    return lambda cands, groups, attr, rng: rand(ex(cands, groups, attr), groups, attr, rng)


def is_not(values) -> Callable:
    """Narrows the candidates (chain with :func:`rand`)."""
    return lambda cands, groups, attr, rng: [c for c in cands if c not in values]


#: "common within the group": the group's first object draws, the others copy it.
COMMON = "__common__"


@dataclass
class Obj:
    """One object of a task: its attributes, its group (1-based) and its slot's cell
    (None for a group DMLab does not place)."""

    group: int
    shape: str = "ball"
    color: str = "red"
    color2: str = "red"
    pattern: str = "solid"
    size: str = "medium"
    region: str | None = ANY
    reward: float = 0.0
    reward2: float = 0.0
    can_pickup: bool = True
    cell: tuple[int, int] | None = None
    rgb: np.ndarray = field(default=None, repr=False)
    rgb2: np.ndarray = field(default=None, repr=False)


@dataclass(frozen=True)
class Context:
    """The attribute choices and default specs of a level (DMLab's object context)."""

    choices: dict[str, tuple]
    defaults: dict[str, Spec]

    def generate(self, specs: list[dict[str, Spec]], counts: list[int], regions: tuple[str, ...],
                 rng: np.random.Generator) -> list[list[Obj]]:
        choices = dict(self.choices, region=regions)
        groups: list[list[Obj]] = []
        for g, (spec, n) in enumerate(zip(specs, counts), start=1):
            out: list[Obj] = []
            groups.append(out)  # "common" specs see the group's objects drawn so far
            for _ in range(n):
                o = Obj(group=g)
                for attr in ATTRIBUTES:
                    s = spec.get(attr, self.defaults.get(attr, rand))
                    setattr(o, attr, self._apply(s, choices.get(attr, ()), groups, out, attr, rng))
                out.append(o)
        return groups

    def _apply(self, spec, cands, groups, own, attr, rng):
        if spec is COMMON:
            return getattr(own[0], attr) if own else rand(cands, groups, attr, rng)
        if isinstance(spec, list):
            for s in spec:
                cands = s(list(cands), groups, attr, rng) if callable(s) else s
            return cands
        if callable(spec):
            return spec(list(cands), groups, attr, rng)
        return spec


def _context(choices: dict[str, tuple] | None = None, defaults: dict[str, Spec] | None = None) -> Context:
    base = {"color": COLOR_NAMES, "color2": COLOR_NAMES, "pattern": PATTERNS, "shape": SHAPE_NAMES, "size": SIZES}
    d = {"region": ANY, "reward": 0.0, "reward2": 0.0, "can_pickup": True}
    return Context(dict(base, **(choices or {})), dict(d, **(defaults or {})))


# ---------------------------------------------------------------------------- group counts
def group_counts(rng: np.random.Generator, group_min, total: int | None = None, max_objects: int | None = None,
                 group_max=None) -> list[int]:
    """DMLab's ``item_count.createGroupCounts``: counts of at least ``group_min`` (at most
    ``group_max``, -1 none) summing to ``total`` (or to a uniform draw in
    [sum(group_min), max_objects]), the surplus spread by uniform draws over the groups
    in a shuffled order."""
    lo = sum(group_min)
    n_total = total if total is not None else int(rng.integers(lo, max_objects + 1))
    out = list(group_min)
    order = rng.permutation(len(out))
    remaining = n_total - lo
    while remaining > 0:
        for idx in order:
            cur = out[idx]
            hi = cur + remaining
            if group_max is not None and group_max[idx] != -1:
                hi = min(hi, group_max[idx])
            out[idx] = int(rng.integers(cur, hi + 1))
            remaining -= out[idx] - cur
    return out


# ---------------------------------------------------------------------------- tasks
@dataclass(frozen=True)
class TaskSpec:
    """One entry of a level's task mixture."""

    name: str
    groups: tuple[dict[str, Spec], ...]
    counts: Callable[[np.random.Generator], list[int]]
    keys: tuple[str, ...]
    maps: tuple[MapInfo, ...]
    controller: str  # simple | balanced | counting | answer
    placer: str = "random"  # random | room
    goal_group: int = 1
    context: Context | None = None
    truth: Callable[[list[int]], bool] | None = None


@dataclass
class Task:
    """A drawn task: the map, the objects placed on it (``objs``, in slot order of
    placement) and those DMLab draws without placing (``unplaced``), the instruction and
    the reward state."""

    level: str
    spec: TaskSpec
    map: MapInfo
    objs: list[Obj]
    unplaced: list[Obj]
    counts: list[int]
    instruction: str
    region_colors: dict[str, str]
    spawn_range: float
    picked: int = 0

    @property
    def entity(self) -> tuple[str, ...]:
        return self.map.entity

    @property
    def variations(self) -> tuple[str, ...]:
        return self.map.variations or tuple("." * len(r) for r in self.map.entity)

    @property
    def spawns(self) -> list[tuple[int, int]]:
        return self.map.spawns

    @property
    def goal_group(self) -> int:
        return self.spec.goal_group

    def _all(self) -> list[Obj]:
        return self.objs + self.unplaced

    def goal_total(self) -> float:
        goal = [o for o in self._all() if o.group == self.goal_group]
        return goal[0].reward * len(goal) + goal[0].reward2

    def distractor_penalty(self, goal_reward: float) -> float:
        n = sum(o.group != self.goal_group for o in self._all())
        return -math.floor(goal_reward / n + 0.5)

    def on_pickup(self, k: int) -> tuple[float, bool]:
        """The reward of picking up ``objs[k]`` and whether the task is over."""
        o = self.objs[k]
        kind = self.spec.controller
        if kind == "simple":
            return float(o.reward), True
        if kind == "balanced":
            return (10.0 if o.group == self.goal_group else float(self.distractor_penalty(10.0))), True
        if kind == "counting":
            if o.group == self.goal_group:
                self.picked += 1
                size = self.counts[self.goal_group - 1]
                if self.picked >= size:
                    return float(o.reward + o.reward2), True
                return float(o.reward), False
            return float(self.distractor_penalty(self.goal_total())), True
        if kind == "answer":
            answer = {1: True, 2: False}[o.group]
            return (10.0 if answer == self.spec.truth(self.counts) else -10.0), True
        raise AssertionError(kind)

    def targets(self) -> list[int]:
        """Indices into ``objs`` of the objects a perfect player picks (any one of them
        for single-target tasks; all, in any order, for "every" tasks; the right answer
        for questions): the reference the scripted agent and the tests check against."""
        if self.spec.controller == "answer":
            want = 1 if self.spec.truth(self.counts) else 2
            return [k for k, o in enumerate(self.objs) if o.group == want]
        return [k for k, o in enumerate(self.objs) if o.group == self.goal_group]


def _fill(key: str, data: dict[str, Obj | None], region_colors: dict[str, str]) -> str:
    def value(path: str) -> str:
        who, attr = path.split(".", 1)
        o = data[who]
        if attr == "roomColor.floor":
            return region_colors[o.region]
        return str(getattr(o, attr))

    out, rest = [], key
    while "[" in rest:
        a, b = rest.index("["), rest.index("]")
        out += [rest[:a], value(rest[a + 1:b])]
        rest = rest[b + 1:]
    return ("".join(out) + rest).strip()


def _place(spec: TaskSpec, m: MapInfo, objs: list[Obj], rng: np.random.Generator) -> None:
    slots = m.slots
    if spec.placer == "random":
        placed = [o for o in objs if o.region != DO_NOT_PLACE]
        if len(placed) > len(slots):
            raise ValueError(f"{spec.name}: {len(placed)} objects for {len(slots)} slots")
        for o, s in zip(placed, rng.permutation(len(slots))):
            o.cell = slots[int(s)]
        return
    free = list(range(len(slots)))
    for o in objs:
        if o.region == DO_NOT_PLACE:
            continue
        cands = [s for s in free if o.region == ANY or m.region_at(slots[s]) == o.region]
        if not cands:
            raise ValueError(f"{spec.name}: no free slot in region {o.region!r}")
        s = cands[int(rng.integers(len(cands)))]
        free.remove(s)
        o.cell = slots[s]


def draw(level: str, spec: TaskSpec, rng: np.random.Generator) -> Task:
    """Draws one task of ``spec``: map, counts, objects, placement, colours, instruction."""
    m = spec.maps[int(rng.integers(len(spec.maps)))]
    counts = spec.counts(rng)
    ctx = spec.context or LEVEL_CONTEXT[level]
    groups = ctx.generate(list(spec.groups), counts, m.regions, rng)
    flat = [o for g in groups for o in g]
    _place(spec, m, flat, rng)
    for o in flat:
        o.rgb = noisy_rgb(o.color, rng)
        o.rgb2 = noisy_rgb(o.color2, rng)
    region_colors = LEVEL_REGION_COLORS[level](m, rng) if m.custom_floors else {}
    goal = groups[spec.goal_group - 1][0]
    other_group = 1 if spec.goal_group == 2 else 2
    other = groups[other_group - 1][0] if other_group <= len(groups) and groups[other_group - 1] else None
    key = spec.keys[int(rng.integers(len(spec.keys)))]
    text = _fill(key, {"goal": goal, "other": other}, region_colors)
    placed = [o for o in flat if o.cell is not None]
    unplaced = [o for o in flat if o.cell is None]
    return Task(level, spec, m, placed, unplaced, counts, text, region_colors, LEVEL_INFO[level]["spawn_range"])


def new_task(level: str, rng: np.random.Generator) -> Task:
    """A task of ``level``'s mixture (DMLab's ``createDiscreteDistribution`` weights)."""
    mixture = LEVEL_TASKS[level]
    w = np.array([wt for wt, _ in mixture], dtype=float)
    k = int(rng.choice(len(mixture), p=w / w.sum()))
    return draw(level, mixture[k][1], rng)


# ---------------------------------------------------------------------------- the four levels
def _fixed(*counts: int) -> Callable[[np.random.Generator], list[int]]:
    return lambda rng: list(counts)


GOAL, ANCHOR = 1, 2

# select_described_object: a goal of one of 5 shapes and a distractor of another.
_DESCRIBED = TaskSpec(
    "shapeTask", ({"reward": 10.0}, {"reward": -10.0, "shape": diff(1)}), _fixed(1, 1), ("[goal.shape]",),
    (FOUR_POSITIONS,), "simple",
)

# select_located_object: the goal's colour and its room's floor colour single it out.
_LOC = ROOM_MAPS[True]
_LOCATED = [
    (2, TaskSpec("twoRoomColorTask", ({"region": rand}, {"color": diff(1), "region": same(1)},
                                      {"color": same(1), "region": diff(1)}, {"color": same(2), "region": same(3)}),
                 _fixed(1, 1, 1, 1), ("Pick the [goal.color] object in the [goal.roomColor.floor] room",),
                 _LOC[2], "balanced", placer="room")),
    (1, TaskSpec("fourRoomColorTask", ({"region": rand}, {"color": diff(1), "region": same(1)},
                                       {"color": same(1), "region": diff(1)}, {"color": same(2), "region": ANY},
                                       {"region": ANY}),
                 _fixed(1, 1, 1, 1, 4), ("Pick the [goal.color] object in the [goal.roomColor.floor] room",),
                 _LOC[4], "balanced", placer="room")),
    (1, TaskSpec("sixRoomColorTask", ({"region": rand}, {"color": diff(1), "region": same(1)},
                                      {"color": same(1), "region": diff(1)}, {"color": same(2), "region": ANY},
                                      {"region": ANY}),
                 _fixed(1, 1, 1, 1, 8), ("Pick the [goal.color] object in the [goal.roomColor.floor] room",),
                 _LOC[6], "balanced", placer="room")),
]

# execute_random_task: 14 task kinds on the 2/4/6-room maps.
_EX = ROOM_MAPS[False]
_PICK_KEYS = ("[goal.color]", "[goal.shape]", "[goal.color] [goal.shape]")
_pick = ({"reward": 10.0}, {"color": diff(1), "shape": diff(1)})
_both = ({"reward": 10.0}, {"color": same(1), "shape": diff(1)}, {"color": diff(1), "shape": same(1)})
_every_shape = ({"reward": 1.0, "reward2": 10.0, "shape": COMMON}, {"reward": -10.0, "shape": diff(1)})
_every_color = ({"reward": 1.0, "reward2": 10.0, "color": COMMON}, {"reward": -10.0, "color": diff(1)})
_near_2 = ({"reward": 10.0, "region": rand}, {"shape": diff(GOAL), "region": same(GOAL)},
           {"shape": same(GOAL), "region": diff(GOAL)}, {"shape": diff(ANCHOR), "region": same(3)})
_near_4 = _near_2 + ({"shape": same(ANCHOR), "region": diff([GOAL, 3])}, {"shape": diff(GOAL), "region": same(5)},
                     {"shape": diff([GOAL, ANCHOR]), "region": diff([1, 3, 5])})
_shape_near_color = ({"region": rand}, {"color": diff(GOAL), "region": same(GOAL)},
                     {"shape": same(GOAL), "color": diff(ANCHOR), "region": diff(GOAL)},
                     {"color": diff(ANCHOR), "region": same(3)},
                     {"color": same(ANCHOR), "shape": diff(GOAL), "region": diff([GOAL, 3])},
                     {"shape": diff(GOAL), "region": same(5)},
                     {"shape": diff(GOAL), "color": diff(ANCHOR), "region": diff([1, 3, 5])})
_color_near_color = ({"reward": 10.0, "shape": rand, "region": rand}, {"color": diff(GOAL), "region": same(GOAL)},
                     {"color": same(GOAL), "region": diff(GOAL)}, {"color": diff(ANCHOR), "region": same(3)},
                     {"color": same(ANCHOR), "region": diff([GOAL, 3])}, {"color": diff(GOAL), "region": same(5)},
                     {"color": diff([GOAL, ANCHOR]), "region": diff([1, 3, 5])})
_EXEC_CONTEXT = _context({"color": RGBCMY}, {"pattern": "solid", "reward": -10.0, "size": "medium"})
_SAME_SHAPE_CONTEXT = _context({"color": RGBCMY}, {"pattern": "solid", "reward": -10.0, "size": "medium",
                                                    "shape": same(1)})
_every_counts = lambda rng: group_counts(rng, [2, 2], max_objects=8)  # noqa: E731
_EXECUTE = [
    (2, TaskSpec("twoRoomPickTask", _pick, _fixed(1, 2), _PICK_KEYS, _EX[2], "balanced")),
    (1, TaskSpec("fourRoomPickTask", _pick, _fixed(1, 4), _PICK_KEYS, _EX[4], "balanced")),
    (1, TaskSpec("sixRoomPickTask", _pick, _fixed(1, 8), _PICK_KEYS, _EX[6], "balanced")),
    (2, TaskSpec("twoRoomPickBothTask", _both, _fixed(1, 1, 1), ("[goal.color] [goal.shape]",), _EX[2], "balanced")),
    (1, TaskSpec("fourRoomPickBothTask", _both, _fixed(1, 3, 3), ("[goal.color] [goal.shape]",), _EX[4], "balanced")),
    (1, TaskSpec("sixRoomPickBothTask", _both, _fixed(1, 5, 5), ("[goal.color] [goal.shape]",), _EX[6], "balanced")),
    (2, TaskSpec("twoRoomAllShapeTask", _every_shape, _fixed(2, 2), ("Every [goal.shape]",), _EX[2], "counting")),
    (1, TaskSpec("fourRoomAllShapeTask", _every_shape, _every_counts, ("Every [goal.shape]",), _EX[4], "counting")),
    (2, TaskSpec("twoRoomAllColorTask", _every_color, _fixed(2, 2), ("Every [goal.color] object",), _EX[2],
                 "counting")),
    (1, TaskSpec("fourRoomAllColorTask", _every_color, _every_counts, ("Every [goal.color] object",), _EX[4],
                 "counting")),
    (2, TaskSpec("twoRoomShapeNearShapeTask", _near_2, _fixed(1, 1, 1, 1), ("[goal.shape] near [other.shape]",),
                 _EX[2], "balanced", placer="room")),
    (1, TaskSpec("fourRoomShapeNearShapeTask", _near_4, _fixed(1, 1, 1, 1, 1, 1, 2),
                 ("[goal.shape] near [other.shape]",), _EX[4], "balanced", placer="room")),
    (1, TaskSpec("fourRoomShapeNearColorTask", _shape_near_color, _fixed(1, 1, 1, 1, 1, 1, 2),
                 ("[goal.shape] near [other.color] object",), _EX[4], "balanced", placer="room")),
    (1, TaskSpec("fourRoomColorNearColorTask", _color_near_color, _fixed(1, 1, 1, 1, 1, 1, 2),
                 ("[goal.color] object near [other.color] object",), _EX[4], "balanced", placer="room",
                 context=_SAME_SHAPE_CONTEXT)),
]

# answer_quantitative_question: yes (white ball, region A) / no (black ball, region B),
# four question objects in region D that cannot be picked up.
_YES = {"shape": "ball", "color": "white", "region": "A", "can_pickup": True}
_NO = {"shape": "ball", "color": "black", "region": "B", "can_pickup": True}
_Q = 3  # the goal group: the question's subject


def _then(fixed: list[int], pick: Callable[[np.random.Generator], list[int]]):
    return lambda rng: list(fixed) + pick(rng)


def _one_of(*choices: Callable[[np.random.Generator], list[int]]):
    return lambda rng: choices[int(rng.integers(len(choices)))](rng)


def _weighted(*choices: tuple[float, Callable[[np.random.Generator], list[int]]]):
    w = np.array([c[0] for c in choices], dtype=float)
    return lambda rng: choices[int(rng.choice(len(choices), p=w / w.sum()))][1](rng)


def _gc(**kw):
    return lambda rng: group_counts(rng, **kw)


_even_all = _one_of(lambda rng: [4, 0], _gc(group_min=[1, 1], total=4))
_even_any = _one_of(_gc(group_min=[1, 0, 0], total=4), _gc(group_min=[0, 0, 0], total=4, group_max=[0, -1, -1]))
_even_more = _weighted(
    (1, _gc(group_min=[1, 0, 0], total=4, group_max=[-1, 0, -1])),
    (1, _gc(group_min=[2, 0, 0], total=4, group_max=[-1, 1, -1])),
    (1, _gc(group_min=[3, 0, 0], total=4, group_max=[-1, 1, -1])),
    (1, _gc(group_min=[4, 0, 0], total=4, group_max=[-1, 0, -1])),
    (1, _gc(group_min=[0, 1, 0], total=4, group_max=[0, -1, -1])),
    (2, _gc(group_min=[0, 1, 0], total=4, group_max=[1, -1, -1])),
    (1, _gc(group_min=[0, 2, 0], total=4, group_max=[2, -1, -1])),
)
_hidden = {"region": DO_NOT_PLACE}
_QUANT = [
    (1, TaskSpec("areAllShapesThisColor", (_YES, _NO, {"shape": COMMON, "color": COMMON},
                                           {"shape": same(_Q), "color": diff(_Q)}),
                 _then([1, 1], _even_all), ("Are all [goal.shape] objects [goal.color]?",), (QUANTIFICATION_MAP,),
                 "answer", placer="room", goal_group=_Q, truth=lambda c: c[3] == 0)),
    (1, TaskSpec("isAnyShapeThisColor", (_YES, _NO, _hidden, {"shape": same(_Q), "color": same(_Q)},
                                         {"shape": same(_Q), "color": diff(_Q)}, {"shape": diff(_Q)}),
                 _then([1, 1, 1], _even_any), ("Is any [goal.shape] [goal.color]?",), (QUANTIFICATION_MAP,),
                 "answer", placer="room", goal_group=_Q, truth=lambda c: c[3] > 0)),
    (1, TaskSpec("isAnythingThisColor", (_YES, _NO, _hidden, {"color": same(_Q)}, {"color": diff(_Q)},
                                         {"color": diff(_Q)}),
                 _then([1, 1, 1], _even_any), ("Is anything [goal.color]?",), (QUANTIFICATION_MAP,),
                 "answer", placer="room", goal_group=_Q, truth=lambda c: c[3] > 0)),
    (1, TaskSpec("areMostShapesThisColor", (_YES, _NO, _hidden, {"shape": same(_Q), "color": same(_Q)},
                                            {"shape": same(_Q), "color": diff(_Q)}, {"shape": diff(_Q)}),
                 _then([1, 1, 1], _even_more), ("Are most [goal.shape] objects [goal.color]?",),
                 (QUANTIFICATION_MAP,), "answer", placer="room", goal_group=_Q, truth=lambda c: c[3] > c[4])),
]

LEVEL_TASKS: dict[str, list[tuple[float, TaskSpec]]] = {
    "select_described_object": [(1, _DESCRIBED)],
    "select_located_object": _LOCATED,
    "execute_random_task": _EXECUTE,
    "answer_quantitative_question": _QUANT,
}
LEVEL_CONTEXT: dict[str, Context] = {
    "select_described_object": _context({"shape": ("cake", "car", "cassette", "hat", "tv"), "size": ("medium",)}),
    "select_located_object": _context({"color": RGBCMY, "pattern": ("solid",)}, {"size": "medium"}),
    "execute_random_task": _EXEC_CONTEXT,
    "answer_quantitative_question": _context({"color": RGBCMY}, {
        "size": "medium", "pattern": "solid", "can_pickup": False, "region": [is_not(("A", "B", "C")), rand]}),
}


def _shuffled_floors(m: MapInfo, rng: np.random.Generator) -> dict[str, str]:
    order = rng.permutation(len(RGBCMY))
    return {r: RGBCMY[int(k)] for r, k in zip(m.regions, order)}


LEVEL_REGION_COLORS: dict[str, Callable[[MapInfo, np.random.Generator], dict[str, str]]] = {
    "select_located_object": _shuffled_floors,
    "answer_quantitative_question": lambda m, rng: {"A": "green", "B": "red", "C": "orange", "D": "black"},
}
#: Per level: episode seconds and spawn-angle range (degrees; 360: any yaw).
LEVEL_INFO: dict[str, dict[str, float]] = {
    "select_described_object": {"episode_seconds": 60, "spawn_range": 20},
    "select_located_object": {"episode_seconds": 120, "spawn_range": 360},
    "execute_random_task": {"episode_seconds": 120, "spawn_range": 360},
    "answer_quantitative_question": {"episode_seconds": 60, "spawn_range": 20},
}

_TEMPLATE_WORDS = ("pick", "the", "object", "in", "room", "every", "near", "are", "all", "objects", "is", "any",
                   "anything", "most", "?")


@lru_cache(maxsize=None)
def vocabulary() -> tuple[str, ...]:
    """Every word an instruction of the four levels can hold (lower case; ``?`` is a
    word): the template words, DMLab's 40 shape names and 13 colour names."""
    return _TEMPLATE_WORDS + SHAPE_NAMES + COLOR_NAMES


def level_extent(level: str) -> tuple[tuple[int, int], int]:
    """The largest map (rows, cols) and the most placed objects of a level's tasks."""
    maps = {m for _, spec in LEVEL_TASKS[level] for m in spec.maps}
    h = max(m.shape[0] for m in maps)
    w = max(m.shape[1] for m in maps)
    return (h, w), max(len(m.slots) for m in maps)
