"""The Memory Task Suite's goal-navigation tasks, pip-only: ``invisible_goal_empty_arena``,
``invisible_goal_with_buildings`` and ``visible_goal_with_buildings``.

DeepMind ships these three (with the other five Unity tasks of Fortunato et al. 2019,
"Generalization of Reinforcement Learners with Working and Episodic Memory") only as a
Unity Docker image (``dm_memorytasks``). They are rebuilt here on the DMLab-style
engine.

What is verified (``dm_memorytasks``' README, ``docs/index.md`` and
``_load_environment.py``; see ``shared/specs/memory_suite_unity.md``):

* the level names: ``<task>_train``, ``_holdout_interpolate`` and
  ``_holdout_extrapolate`` (the paper's three), and ``_interpolate``,
  ``_extrapolate`` (training stimuli at the hold-out scales), ``_holdout_small``,
  ``_holdout_large`` (hold-out stimuli at the two training scales);
* generalisation along two axes, stimulus and scale; training has two scales, small
  and large, the interpolate scale lies between them and the extrapolate one beyond;
* the interface: four continuous actions in [-1, 1] (``STRAFE_LEFT_RIGHT``,
  ``MOVE_BACK_FORWARD``, ``LOOK_LEFT_RIGHT``, ``LOOK_DOWN_UP``), an RGB observation
  of 72 x 96 by default, 120 s episodes;
* the family: goal navigation, where the agent must find a goal, is sent elsewhere,
  and must come back to it.

What is **our choice** (the paper's task appendix and the Unity levels could not be
read; each choice fits the paper's description):

* The arena is a walled square of text-map cells (100 u); its interior side is the
  scale: 7 (small) and 13 (large) cells for training, 10 (interpolate), 17
  (extrapolate). A training episode draws small or large with equal odds.
* Each wall of the arena shows its own texture, with a poster in its middle: the
  distal cues to orient by. The stimulus sets are the texture sets: training levels
  draw wall and floor textures from labmaze's ``style_01`` and ``style_02`` sets,
  hold-out levels from ``style_03``.
* Buildings (``*_with_buildings``): 8 % of the interior cells are solid blocks,
  textured from the stimulus set, placed so that every open cell stays reachable.
* The goal: one open cell per episode, fixed for the episode; reaching its centre
  square (80 u wide) pays +10 and respawns the agent on a random open cell at least 3
  cells away, facing a random way. ``visible_goal_with_buildings`` shows the goal
  (the engine's goal object); the ``invisible_*`` tasks do not.
* Actions: ``MOVE_BACK_FORWARD`` and ``STRAFE_LEFT_RIGHT`` scale Quake's 320 u/s
  walk, ``LOOK_LEFT_RIGHT`` and ``LOOK_DOWN_UP`` turn at up to 180 degrees a second;
  ``action_set="discrete"`` gives 9: IMPALA's set with a no-op in place of fire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from gymnasium import spaces

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import N_POSTERS, floor_textures, wall_textures
from memory_bench.envs.dmlab.base import DMLabEnv

TASKS = ("invisible_goal_empty_arena", "invisible_goal_with_buildings", "visible_goal_with_buildings")
SCALES = {"small": 7, "large": 13, "interpolate": 10, "extrapolate": 17}  # interior side, cells
#: split: (stimulus set, scales drawn from)
SPLITS = {
    "train": ("train", ("small", "large")),
    "holdout_interpolate": ("holdout", ("interpolate",)),
    "holdout_extrapolate": ("holdout", ("extrapolate",)),
    "interpolate": ("train", ("interpolate",)),
    "extrapolate": ("train", ("extrapolate",)),
    "holdout_small": ("holdout", ("small",)),
    "holdout_large": ("holdout", ("large",)),
}
STIMULUS_STYLES = {"train": ("style_01", "style_02"), "holdout": ("style_03",)}
FLOOR_STYLES = {"train": ("style_01",), "holdout": ("style_03",)}
BUILDING_FRACTION = 0.08
GOAL_REWARD = 10.0
GOAL_HALF = 40.0  # u: the goal square's half width
RESPAWN_GAP = 3  # cells (Chebyshev) between a respawn and the goal
MAX_LOOK_DEG_S = 180.0
ACTION_NAMES = ("STRAFE_LEFT_RIGHT", "MOVE_BACK_FORWARD", "LOOK_LEFT_RIGHT", "LOOK_DOWN_UP")
#: the discrete set: (name, (strafe, move, look left-right, look down-up))
DISCRETE = (
    ("forward", (0, 1, 0, 0)), ("backward", (0, -1, 0, 0)), ("strafe_left", (-1, 0, 0, 0)), ("strafe_right", (1, 0, 0, 0)),
    ("look_left", (0, 0, -1, 0)), ("look_right", (0, 0, 1, 0)), ("forward_look_left", (0, 1, -1, 0)),
    ("forward_look_right", (0, 1, 1, 0)), ("noop", (0, 0, 0, 0)),
)
ACTION_SETS = ("continuous", "discrete")


@dataclass(frozen=True)
class Layout:
    """One episode's arena: the text map, the building cells and the goal cell."""

    text_map: tm.TextMap
    buildings: np.ndarray  # (B, 2) cells
    goal: tuple[int, int]
    side: int


def generate(task: str, side: int, rng: np.random.Generator) -> Layout:
    """An arena of interior side ``side`` cells for ``task``: walls round it, buildings
    if the task has them (every open cell reachable), a goal cell."""
    n = side + 2
    walls = np.zeros((n, n), dtype=bool)
    walls[0] = walls[-1] = walls[:, 0] = walls[:, -1] = True
    interior = np.argwhere(~walls)
    buildings = np.zeros((0, 2), dtype=np.int64)
    if task.endswith("with_buildings"):
        k = max(1, int(round(BUILDING_FRACTION * side * side)))
        for _ in range(200):
            pick = interior[rng.permutation(len(interior))[:k]]
            trial = walls.copy()
            trial[tuple(pick.T)] = True
            free = np.argwhere(~trial)
            if (tm.distances(~trial, free[0]) >= 0).sum() == len(free):
                walls, buildings = trial, pick
                break
    entity = "\n".join("".join("*" if w else " " for w in row) for row in walls)
    text_map = tm.parse(entity)
    free = np.argwhere(~walls)
    goal = free[int(rng.integers(len(free)))]
    return Layout(text_map, buildings, (int(goal[0]), int(goal[1])), side)


class GoalArena(DMLabEnv):
    """Memory Task Suite goal navigation: find the goal, then find it again.

    ## Description
    A walled arena with a distinct texture and poster on each wall (the distal cues),
    and buildings in the ``*_with_buildings`` tasks. A goal lies on one cell, the same
    all episode: invisible in the ``invisible_*`` tasks, shown in
    ``visible_goal_with_buildings``. Reaching it pays +10 and sends the agent to a
    random cell at least 3 cells away; it must find its way back, by memory, as often
    as it can in 120 s. The split sets the arena's size (the scale) and its textures
    (the stimuli); see the module docstring for what is verified and what is ours.

    ## Action Space
    ``Box(-1, 1, (4,), float32)``, dm_memorytasks' four continuous actions in their
    order: strafe left/right, move back/forward (a fraction of the 320 u/s walk), look
    left/right, look down/up (a fraction of 180 degrees a second). A value outside
    [-1, 1] raises. ``action_set="discrete"`` gives ``Discrete(9)``: forward, backward,
    strafe left, strafe right, look left, look right, forward + look left/right, and
    a no-op.

    ## Observation Space
    ``Box(0, 255, (72, 96, 3), uint8)``, the first-person view (``height``, ``width``);
    ``observation="RGBD"`` adds depth. ``info`` has the DMLab-style probes and
    ``goal`` (its cell), ``found`` (times reached), ``scale`` and ``stimulus``.

    ## Rewards
    +10 each time the goal is reached.

    ## Episode End
    Truncated after 120 s (7200 frames; 1800 steps at ``action_repeat=4``).

    ## Arguments
    ``task``: one of :data:`TASKS`; ``split``: one of :data:`SPLITS`; ``action_set``:
    ``"continuous"`` or ``"discrete"``; :class:`DMLabEnv`'s keyword arguments
    (``show_clock`` is off by default: the suite draws no clock).

    ## Version History
    * v0: first version (2026-12).
    """

    episode_seconds = 120.0
    n_items = 1
    #: what the GUI plays: the discrete set (its no-op when no key is held)
    gui_kwargs = {"action_set": "discrete"}
    idle_action = "noop"

    #: the tasks and splits this class builds (subclasses name their own)
    tasks: tuple[str, ...] = TASKS
    splits: dict[str, tuple[str, tuple[str, ...]]] = SPLITS

    def __init__(self, task: str = "invisible_goal_empty_arena", split: str = "train", *,
                 action_set: str = "continuous", show_clock: bool = False, **kwargs: Any):
        if task not in self.tasks:
            raise ValueError(f"unknown task {task!r}; choose one of {self.tasks}")
        if split not in self.splits:
            raise ValueError(f"unknown split {split!r}; choose one of {tuple(self.splits)}")
        if action_set not in ACTION_SETS:
            raise ValueError(f"unknown action_set {action_set!r}; choose one of {ACTION_SETS}")
        self.task, self.split = task, split
        self.stimulus, self.scales = self.splits[split]
        self.map_shape = self._arena_shape()
        super().__init__(show_clock=show_clock, **kwargs)
        self.action_set = action_set
        if action_set == "continuous":
            self.action_space = spaces.Box(-1.0, 1.0, (4,), np.float32)
            self.action_names = ACTION_NAMES
            self.key_map = None
        else:
            self.action_space = spaces.Discrete(len(DISCRETE))
            self.action_names = tuple(name for name, _ in DISCRETE)
            self.key_map = {
                "forward": ["up", "w"], "backward": ["down", "s"], "strafe_left": ["a"], "strafe_right": ["d"],
                "look_left": ["left"], "look_right": ["right"], "forward_look_left": ["up+left", "w+left"],
                "forward_look_right": ["up+right", "w+right"],
            }
            self._discrete = np.array([self._cmd(np.array(v, float)) for _, v in DISCRETE])
        walls = wall_textures()
        floors = floor_textures()
        self._wall_choices = np.array([k for k, (s, _) in enumerate(walls) if s in STIMULUS_STYLES[self.stimulus]])
        self._floor_choices = np.array([k for k, (s, _) in enumerate(floors) if s in FLOOR_STYLES[self.stimulus]])

    def _arena_shape(self) -> tuple[int, int]:
        """The text-map shape the arena is compiled for: the largest of the split's."""
        side = max(SCALES[s] for s in self.scales)
        return (side + 2, side + 2)

    def _cmd(self, a: np.ndarray) -> np.ndarray:
        """A continuous action as the mover's usercmd (forward, right, up, yaw, pitch
        turn a frame)."""
        turn = MAX_LOOK_DEG_S * quake.FRAME_TIME  # degrees a frame at full look
        return np.array([quake.MOVE_SCALE * a[1], quake.MOVE_SCALE * a[0], 0.0, -turn * a[2], -turn * a[3]])

    def _command(self, action) -> np.ndarray:
        if self.action_set == "discrete":
            if isinstance(action, (int, np.integer)) and 0 <= int(action) < len(DISCRETE):
                return self._discrete[int(action)]
            raise ValueError(f"invalid action {action!r}; expected an int in [0, {len(DISCRETE) - 1}]: "
                             f"{', '.join(self.action_names)}")
        a = np.asarray(action, dtype=np.float64)
        if a.shape != (4,) or not np.all(np.isfinite(a)) or np.any(np.abs(a) > 1.0):
            raise ValueError(f"invalid action {action!r}; expected 4 floats in [-1, 1]: {', '.join(ACTION_NAMES)}")
        return self._cmd(a)

    # ------------------------------------------------------------------ episode
    def _new_episode(self, rng: np.random.Generator) -> None:
        scale = self.scales[int(rng.integers(len(self.scales)))]
        self.scale = scale
        self.layout = generate(self.task, SCALES[scale], rng)
        text_map = self.layout.text_map
        self.map = text_map
        h, w = text_map.shape
        walls = text_map.walls
        # each side of the arena its own texture and a poster in its middle; buildings
        # each a texture of the stimulus set
        sides = self._wall_choices[rng.permutation(len(self._wall_choices))[:4]]
        wall_tex = np.full((h, w), sides[0])
        wall_tex[-1, :], wall_tex[:, 0], wall_tex[:, -1] = sides[1], sides[2], sides[3]
        posters = np.full((h, w), -1)
        mid = (h - 1) // 2
        for (r, c), p in zip(((0, mid), (h - 1, mid), (mid, 0), (mid, w - 1)), rng.permutation(N_POSTERS)[:4]):
            posters[r, c] = p
        for r, c in self.layout.buildings:
            wall_tex[r, c] = self._wall_choices[int(rng.integers(len(self._wall_choices)))]
        floor_tex = np.full((h, w), self._floor_choices[int(rng.integers(len(self._floor_choices)))])
        self.arena.apply_map(walls, np.zeros((h, w), dtype=bool), wall_tex, floor_tex, posters)
        self._solid = walls
        gx, gy = tm.cell_centre(np.array(self.layout.goal), h)
        if self.task.startswith("visible"):
            self._place_item_at(0, "goal", (float(gx), float(gy)), half=GOAL_HALF)
        else:
            self._place_trigger(0, (float(gx), float(gy)), GOAL_HALF)
        self.arena.commit_items()
        self.found = 0
        self._respawn(rng, first=True)

    def _respawn(self, rng: np.random.Generator, first: bool = False) -> None:
        free = np.argwhere(~self.map.walls)
        gap = np.abs(free - np.array(self.layout.goal)).max(axis=1)
        far = free[gap >= (1 if first else RESPAWN_GAP)]
        cell = far[int(rng.integers(len(far)))] if len(far) else free[int(rng.integers(len(free)))]
        self._spawn(cell, float(rng.uniform(0.0, 360.0)))

    def _on_pickup(self, slot: int) -> float:
        self.found += 1
        self._restart_map()
        return GOAL_REWARD

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._respawn(rng)

    def _level_info(self) -> dict[str, Any]:
        return {"goal": self.layout.goal, "found": int(self.found), "scale": self.scale, "stimulus": self.stimulus}


class GoalArenaOracle:
    """A privileged player (it reads the goal from the env): walks the shortest path of
    open cells to the goal, steering with the continuous actions (or the discrete
    ones)."""

    def reset(self, env=None) -> None:
        self._layout = self._paths = None

    def act(self, env):
        base = env.unwrapped
        h = base.map.shape[0]
        if self._layout is not base.layout:  # a new arena: its paths, once
            self._layout, self._paths = base.layout, tm.ShortestPaths(~base.map.walls)
        here = tm.world_cell(base._state[:2], h)
        nxt = self._paths.next_cell(here, base.layout.goal)
        return steer_to(base, tm.cell_centre(np.array(base.layout.goal if nxt is None else nxt), h))


def steer_to(base, point) -> Any:
    """The action (continuous, or of the discrete set) that turns toward DMLab point
    ``point`` and walks to it: full forward while the bearing is within 30 degrees."""
    from memory_bench.agents.dmlab import steer
    from memory_bench.envs.dmlab.base import ACTION_NAMES as IMPALA

    st = base._state
    if base.action_set == "discrete":
        return base.action_names.index(IMPALA[steer(base, point)])
    want = np.degrees(np.arctan2(point[1] - st[quake.Y], point[0] - st[quake.X]))
    err = (want - st[quake.YAW] + 180.0) % 360.0 - 180.0
    per_step = MAX_LOOK_DEG_S * quake.FRAME_TIME * base.action_repeat
    look = float(np.clip(-err / per_step, -1.0, 1.0))
    move = 1.0 if abs(err) < 30.0 else 0.0
    return np.array([0.0, move, look, 0.0], dtype=np.float32)
