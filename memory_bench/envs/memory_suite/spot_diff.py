"""The Memory Task Suite's Spot the Difference tasks, pip-only: ``spot_diff``,
``spot_diff_motion``, ``spot_diff_multi`` and ``spot_diff_passive``.

Verified (``dm_memorytasks``; see :mod:`memory_bench.envs.memory_suite.goal_arena` and
``shared/specs/memory_suite_unity.md``): the level names and splits, the four
continuous actions, the RGB observation, 120 s episodes, and that Spot the Difference
is a 3-D counterpart of PsychLab's change detection (the authors' rebuttal).

**Our choices** (the paper's task appendix could not be read), made to fit the
paper's description of the family (study a room, cross a delay, find what changed):

* A trial: the agent starts in the study room with ``n`` blocks on a grid of slots,
  walks an L-shaped corridor (the delay; the bend keeps the choice room out of sight)
  into the choice room, where the same blocks stand in the same places except that
  one (``spot_diff_multi``: two) has changed colour. Touching a changed block pays +1
  (each, in the multi task); touching an unchanged one ends the trial with nothing.
  The trial also ends once every changed block is found; the next trial starts in the
  study room with new blocks. Episodes last 120 s.
* ``spot_diff_motion``: the blocks bob up and down, each with its own period; the
  changed block keeps its colour but bobs at another period.
* ``spot_diff_passive``: the agent does not walk the study room: for its first 3 s of a
  trial it is carried along the room's middle, turning to look at the blocks (its
  actions do nothing), then set down at the corridor's mouth.
* The scale is the number of blocks: 3 and 5 for training, 4 (interpolate), 7
  (extrapolate); the stimuli are the block colours: 6 training colours, 6 others for
  hold-out levels.
"""

from __future__ import annotations

import math
from typing import Any

import mujoco
import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import UNIT, floor_textures
from memory_bench.envs.memory_suite.goal_arena import GoalArena

TASKS = ("spot_diff", "spot_diff_motion", "spot_diff_multi", "spot_diff_passive")
SCALES = {"small": 3, "large": 5, "interpolate": 4, "extrapolate": 7}  # blocks
COLORS = {
    "train": ((0.85, 0.10, 0.10), (0.10, 0.65, 0.20), (0.15, 0.35, 0.90), (0.95, 0.85, 0.10), (0.95, 0.95, 0.95),
              (0.10, 0.10, 0.10)),
    "holdout": ((0.95, 0.50, 0.10), (0.65, 0.20, 0.80), (0.10, 0.80, 0.85), (0.95, 0.45, 0.70), (0.50, 0.30, 0.15),
                (0.55, 0.75, 0.25)),
}
ROOM = 5  # cells a side of each room
SLOTS = [(r, c) for r in (1, 3) for c in (1, 2, 3, 4)]  # block slots in a room's cells (row, col within the room)
CORRIDOR = 4  # cells from the study room's door to the bend
MAX_BLOCKS = max(SCALES.values())
BLOCK = (("cylinder", 16.0, 16.0, 0.0, 16.0, 0),)  # a block: a drum 32 u tall in colour slot 0
BLOCK_HALF = 18.0  # u: its trigger box
PERIODS = (0.8, 1.2, 1.7, 2.3, 3.0, 3.8, 4.7, 5.5)  # s: the motion task's bob periods
BOB = 8.0  # u
PASSIVE_S = 3.0
REWARD = 1.0


def _text_map() -> tuple[tm.TextMap, tuple[int, int], tuple[int, int], tuple[int, int]]:
    """The two rooms and the L-shaped corridor: (map, study room origin, choice room
    origin, the corridor's mouth by the study room)."""
    h = 1 + ROOM + 1 + CORRIDOR + 1 + ROOM + 1
    w = 1 + ROOM + 1 + ROOM + 1
    walls = np.ones((h, w), dtype=bool)
    study = (1, 1)
    choice = (h - 1 - ROOM, w - 1 - ROOM)
    walls[study[0]: study[0] + ROOM, study[1]: study[1] + ROOM] = False
    walls[choice[0]: choice[0] + ROOM, choice[1]: choice[1] + ROOM] = False
    door_col = study[1] + ROOM // 2
    mouth = (study[0] + ROOM, door_col)
    walls[study[0] + ROOM: study[0] + ROOM + CORRIDOR + 1, door_col] = False  # down from the study room
    bend_row = study[0] + ROOM + CORRIDOR
    entry_col = choice[1] + ROOM // 2
    walls[bend_row, door_col: entry_col + 1] = False  # across, above the choice room's middle column
    walls[bend_row: choice[0], entry_col] = False  # and down into it
    entity = "\n".join("".join("*" if v else " " for v in row) for row in walls)
    return tm.parse(entity), study, choice, mouth


class SpotDiff(GoalArena):
    """Memory Task Suite Spot the Difference: remember a room's blocks, find the one
    that changed in the next room.

    ## Description
    See the module docstring: a study room of coloured blocks, an L-shaped corridor,
    and a choice room where one block (two in ``spot_diff_multi``) differs: in colour,
    or (``spot_diff_motion``) in how it moves. ``spot_diff_passive`` carries the agent
    through the study room.

    ## Action and Observation Space
    As the goal-navigation tasks (:class:`~memory_bench.envs.memory_suite.goal_arena.GoalArena`):
    dm_memorytasks' four continuous actions (``action_set="discrete"``: 9), a 72 x 96
    RGB view.

    ## Rewards
    +1 for each changed block touched; touching an unchanged block ends the trial.

    ## Episode End
    Truncated after 120 s.

    ## Arguments
    ``task``: one of :data:`TASKS`; ``split``: one of the suite's splits;
    ``action_set``; :class:`DMLabEnv`'s keyword arguments.

    ## Version History
    * v0: first version (2026-12).
    """

    n_items = 2 * MAX_BLOCKS

    tasks = TASKS

    def __init__(self, task: str = "spot_diff", split: str = "train", **kwargs: Any):
        self._layout_map = _text_map()
        super().__init__(task, split, **kwargs)
        # the rooms' floors: the two plain styles, whatever the split (the blocks must stand out)
        self._spot_floors = np.array([k for k, (s, _) in enumerate(floor_textures()) if s in ("style_01", "style_03")])

    def _arena_shape(self) -> tuple[int, int]:
        return self._layout_map[0].shape  # one fixed map: the two rooms and the corridor

    def _new_episode(self, rng: np.random.Generator) -> None:
        text_map, self.study, self.choice, self.mouth = self._layout_map
        self.map = text_map
        h, w = text_map.shape
        wall_tex = np.full((h, w), self._wall_choices[int(rng.integers(len(self._wall_choices)))])
        floor_tex = np.full((h, w), self._spot_floors[int(rng.integers(len(self._spot_floors)))])
        self.arena.apply_map(text_map.walls, np.zeros((h, w), bool), wall_tex, floor_tex, np.full((h, w), -1))
        self._solid = text_map.walls
        self.scale = self.scales[int(rng.integers(len(self.scales)))]
        self.n_blocks = SCALES[self.scale]
        self.trials = 0
        self.found = 0
        self._new_trial(rng)

    @staticmethod
    def _slot_cell(room: tuple[int, int], slot: tuple[int, int]) -> tuple[int, int]:
        """The text-map cell of block slot ``slot`` of the room whose top-left cell is ``room``."""
        return (room[0] + slot[0], room[1] + slot[1] - 1)

    def _slot_xy(self, room: tuple[int, int], slot: tuple[int, int]) -> tuple[float, float]:
        x, y = tm.cell_centre(np.array(self._slot_cell(room, slot)), self.map.shape[0])
        return float(x), float(y)

    def _new_trial(self, rng: np.random.Generator) -> None:
        n = self.n_blocks
        palette = np.array(COLORS[self.stimulus])
        slots = [SLOTS[k] for k in rng.permutation(len(SLOTS))[:n]]
        colors = rng.integers(len(palette), size=n)
        n_changed = 2 if self.task == "spot_diff_multi" and n >= 2 else 1
        changed = rng.permutation(n)[:n_changed]
        after = colors.copy()
        periods = rng.permutation(len(PERIODS))[:n]
        after_periods = periods.copy()
        for k in changed:
            if self.task == "spot_diff_motion":
                others = [p for p in range(len(PERIODS)) if p not in periods]
                after_periods[k] = others[int(rng.integers(len(others)))]
            else:
                after[k] = (colors[k] + 1 + int(rng.integers(len(palette) - 1))) % len(palette)
        self.block_slots = slots
        self.changed = set(int(k) for k in changed)
        self._left = set(self.changed)
        self._periods = np.ones(2 * MAX_BLOCKS)
        self._periods[:n] = np.array(PERIODS)[periods]
        self._periods[MAX_BLOCKS: MAX_BLOCKS + n] = np.array(PERIODS)[after_periods]
        self._bases = np.zeros((2 * MAX_BLOCKS, 3))
        for k in range(2 * MAX_BLOCKS):
            self.arena.set_item(k, None)
            self._active[k] = False
        for k, slot in enumerate(slots):
            for room, offset, col in ((self.study, 0, colors[k]), (self.choice, MAX_BLOCKS, after[k])):
                x, y = self._slot_xy(room, slot)
                c = palette[col]
                self.arena.set_item(offset + k, BLOCK, (x, y), colors=np.array([c, c]))
                self._bases[offset + k] = (x * UNIT, y * UNIT, 0.0)
                self._items[offset + k] = (x, y, 16.0, BLOCK_HALF)
                self._active[offset + k] = offset > 0  # only the choice room's blocks are choices
        self.arena.commit_items()
        self.trials += 1
        self._trial_frame = getattr(self, "frames", 0)
        sx, sy = tm.cell_centre(np.array([self.study[0] + 2, self.study[1]]), self.map.shape[0])
        self._spawn_at(float(sx), float(sy), 0.0)
        self._carried = self.task == "spot_diff_passive"

    def _on_pickup(self, slot: int) -> float:
        st = self._state
        x, y, _z, half = self._items[slot]
        if abs(st[quake.X] - x) >= half + quake.PLAYER_MAXS[0] or abs(st[quake.Y] - y) >= half + quake.PLAYER_MAXS[1]:
            return 0.0  # a touch from before this frame's new trial
        k = slot - MAX_BLOCKS
        if k in self._left:
            self._left.discard(k)
            self._collect(slot)
            self.found += 1
            if not self._left:
                self._new_trial(self.np_random)
            return REWARD
        self._new_trial(self.np_random)
        return 0.0

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._new_trial(rng)

    def _command(self, action) -> np.ndarray:
        cmd = super()._command(action)  # validates
        return np.zeros(5) if self._carried else cmd

    def _after_frames(self) -> float:
        t = (self.frames - self._trial_frame) * quake.FRAME_TIME
        if self._carried:
            # carried along the study room's middle row, looking at the blocks
            row = self.study[0] + 2
            x0, y = tm.cell_centre(np.array([row, self.study[1]]), self.map.shape[0])
            x = x0 + (ROOM - 1) * 100.0 * min(1.0, t / PASSIVE_S)
            st = self._state
            st[quake.X], st[quake.Y] = x, y
            st[quake.YAW] = 90.0 if (int(t / 0.75) % 2 == 0) else 270.0
            if t >= PASSIVE_S:
                mx, my = tm.cell_centre(np.array(self.mouth), self.map.shape[0])
                self._spawn_at(float(mx), float(my), 270.0)
                self._carried = False
        if self.task == "spot_diff_motion":
            d = self.arena.data
            for k in list(range(len(self.block_slots))) + [MAX_BLOCKS + j for j in range(len(self.block_slots))]:
                if k >= MAX_BLOCKS and not self._active[k]:
                    continue
                z = BOB * (1.0 + math.sin(2.0 * math.pi * t / self._periods[k])) * UNIT
                d.mocap_pos[self.arena.item_mocap[k]] = self._bases[k] + (0.0, 0.0, z)
            mujoco.mj_kinematics(self.arena.model, d)
        return 0.0

    def _level_info(self) -> dict[str, Any]:
        return {"trials": int(self.trials), "found": int(self.found), "changed": sorted(self.changed),
                "scale": self.scale, "stimulus": self.stimulus}


class SpotDiffOracle:
    """A privileged player (it reads which blocks changed from the env): walks out of
    the study room, down the corridor, and to each changed block along open cells that
    hold no unchanged block."""

    def reset(self, env=None) -> None:
        self._trial = None
        self._paths = None

    def act(self, env):
        from memory_bench.envs.memory_suite.goal_arena import steer_to

        base = env.unwrapped
        h = base.map.shape[0]
        if self._trial != base.trials:  # a new trial: paths that keep off the unchanged blocks
            self._trial = base.trials
            free = ~base.map.walls
            for k, slot in enumerate(base.block_slots):
                if k not in base.changed:
                    free[base._slot_cell(base.choice, slot)] = False
            self._paths = tm.ShortestPaths(free)
        targets = [base._slot_cell(base.choice, base.block_slots[k]) for k in sorted(base._left)]
        if not targets:
            return steer_to(base, base._state[:2])
        here = tuple(tm.world_cell(base._state[:2], h))
        steps = [int(self._paths.field(c)[here]) for c in targets]
        reachable = [(n, c) for n, c in zip(steps, targets) if n >= 0]
        goal = min(reachable)[1] if reachable else targets[0]
        nxt = self._paths.next_cell(here, goal)
        return steer_to(base, tm.cell_centre(np.array(goal if nxt is None else nxt), h))
