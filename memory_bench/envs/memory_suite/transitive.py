"""The Memory Task Suite's transitive inference task, pip-only: ``transitive_inference``.

Verified (``dm_memorytasks``; see ``shared/specs/memory_suite_unity.md``): the level
names (``_train_small`` and ``_train_large`` in place of ``_train``, and the other six
splits), the four continuous actions, the RGB observation, 120 s episodes, and the
family, transitive inference in Unity.

**Our choices** (the paper's task appendix could not be read), made to fit the
paper's description (learn an overall order over a chain of objects from ordered pairs
of adjacent objects, then judge pairs never shown together):

* Each episode hides an order over ``n`` objects (the scale: 5 and 7 for training, 6
  interpolate, 9 extrapolate); the stimuli are the objects' looks (shapes and colours:
  a training set and a hold-out set).
* A trial shows two objects on the far side of a small room (3 x 3 cells); the agent
  starts at the near side and touches one: the higher-ranked pays +1, the other
  nothing; either way the next trial starts.
* Premise trials come first: every adjacent pair twice, in random order and at random
  sides. Then probe trials: pairs of objects two or more ranks apart, drawn at random,
  until the episode ends.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.arena import CATEGORY_COLORS, floor_textures
from memory_bench.envs.memory_suite.goal_arena import SPLITS as GOAL_SPLITS
from memory_bench.envs.memory_suite.goal_arena import GoalArena, steer_to

SCALES = {"small": 5, "large": 7, "interpolate": 6, "extrapolate": 9}
#: the goal tasks' splits, with train_small and train_large in place of train (as dm_memorytasks names them)
SPLITS = {"train_small": ("train", ("small",)), "train_large": ("train", ("large",)),
          **{k: v for k, v in GOAL_SPLITS.items() if k != "train"}}
#: stimulus set: (shapes, colour indices into CATEGORY_COLORS)
LOOKS = {"train": (("orb", "pillar", "snowman", "barrel"), (0, 1, 2, 3)),
         "holdout": (("tower", "dumbbell", "lamp", "spindle"), (4, 5, 6, 7))}
PREMISE_REPEATS = 2
REWARD = 1.0
ROOM = 3
OBJECT_HALF = 20.0


class TransitiveInference(GoalArena):
    """Memory Task Suite transitive inference: choose the higher of two objects of a
    hidden order learnt from adjacent pairs.

    ## Description
    See the module docstring: premise trials of adjacent pairs, then probe trials of
    pairs never shown together; touch the higher-ranked object.

    ## Action and Observation Space
    As the goal-navigation tasks (:class:`~memory_bench.envs.memory_suite.goal_arena.GoalArena`).
    ``info`` has ``phase`` ("premise" or "probe"), ``pair`` (the ranks shown, left then
    right; 0 is the highest), ``trials`` and ``correct``.

    ## Rewards
    +1 for touching the higher-ranked object.

    ## Episode End
    Truncated after 120 s.

    ## Arguments
    ``split``: one of :data:`SPLITS`; ``action_set``; :class:`DMLabEnv`'s keyword
    arguments.

    ## Version History
    * v0: first version (2026-12).
    """

    n_items = 2

    tasks = ("transitive_inference",)
    splits = SPLITS

    def __init__(self, split: str = "train_small", **kwargs: Any):
        entity = "\n".join("*" * (ROOM + 2) if r in (0, ROOM + 1) else "*" + " " * ROOM + "*" for r in range(ROOM + 2))
        self._room = tm.parse(entity)
        super().__init__("transitive_inference", split, **kwargs)

    def _arena_shape(self) -> tuple[int, int]:
        return self._room.shape  # one fixed room

    def _new_episode(self, rng: np.random.Generator) -> None:
        self.map = self._room
        h, w = self._room.shape
        wall_tex = np.full((h, w), self._wall_choices[int(rng.integers(len(self._wall_choices)))])
        floors = floor_textures()
        floor_tex = np.full((h, w), int(rng.integers(len(floors))))
        self.arena.apply_map(self._room.walls, np.zeros((h, w), bool), wall_tex, floor_tex, np.full((h, w), -1))
        self._solid = self._room.walls
        self.scale = self.scales[int(rng.integers(len(self.scales)))]
        n = SCALES[self.scale]
        shapes, colours = LOOKS[self.stimulus]
        looks = [(s, c1, c2) for s in shapes for c1 in colours for c2 in colours if c1 != c2]
        pick = rng.permutation(len(looks))[:n]
        self.objects = [looks[k] for k in pick]  # rank 0 (highest) first
        pairs = [(i, i + 1) for i in range(n - 1)] * PREMISE_REPEATS
        self._premise = [pairs[k] for k in rng.permutation(len(pairs))]
        self.trials = 0
        self.correct = 0
        self._new_trial(rng)

    def _new_trial(self, rng: np.random.Generator) -> None:
        n = len(self.objects)
        if self.trials < len(self._premise):
            pair = self._premise[self.trials]
            self.phase = "premise"
        else:
            while True:
                a, b = sorted(int(v) for v in rng.choice(n, size=2, replace=False))
                if b - a >= 2:
                    break
            pair = (a, b)
            self.phase = "probe"
        if rng.random() < 0.5:
            pair = (pair[1], pair[0])
        self.pair = tuple(int(v) for v in pair)
        h = self._room.shape[0]
        for slot, (rank, col) in enumerate(zip(self.pair, (1, ROOM))):
            shape, c1, c2 = self.objects[rank]
            x, y = tm.cell_centre(np.array([1, col]), h)
            self._place_item_at(slot, shape, (float(x), float(y)), colors=CATEGORY_COLORS[[c1, c2]], half=OBJECT_HALF)
        self.arena.commit_items()
        sx, sy = tm.cell_centre(np.array([ROOM, (ROOM + 1) // 2]), h)
        self._spawn_at(float(sx), float(sy), 90.0)
        self.trials += 1

    def _on_pickup(self, slot: int) -> float:
        right = self.pair[slot] == min(self.pair)
        self.correct += int(right)
        self._new_trial(self.np_random)
        return REWARD if right else 0.0

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._new_trial(rng)

    def _level_info(self) -> dict[str, Any]:
        return {"phase": self.phase, "pair": self.pair, "trials": int(self.trials), "correct": int(self.correct),
                "scale": self.scale, "stimulus": self.stimulus}


class TransitiveOracle:
    """A privileged player (it reads the order from the env): walks to the
    higher-ranked object."""

    def reset(self, env=None) -> None:
        pass

    def act(self, env):
        base = env.unwrapped
        slot = int(np.argmin(base.pair))
        return steer_to(base, base._items[slot, :2])
