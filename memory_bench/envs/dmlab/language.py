"""DMLab-30's language levels: an instruction (``INSTR``) names what to pick up.

The tasks (maps, object attributes, instruction text, rewards) come from
:mod:`memory_bench.envs.dmlab.language_tasks`, DMLab's language generator rebuilt; the
objects are the 40 human-recognisable shapes of :mod:`memory_bench.engine.hr_shapes`.
This module is the env: it lays each task's text map, places its objects, shows the
instruction in the observation and restarts the map with a new task when the task is
over.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import Any

import numpy as np
from gymnasium import spaces

from memory_bench.engine import hr_shapes
from memory_bench.engine import textmap as tm
from memory_bench.envs.dmlab import language_tasks as lt
from memory_bench.envs.dmlab.base import DMLabEnv

INSTRUCTION_MODES = ("text", "tokens")
#: Token ids: 0 pads, 1 stands for a word outside the vocabulary, words from 2 on.
PAD, UNKNOWN = 0, 1
MAX_TOKENS = 16
MAX_INSTRUCTION_CHARS = 128


#: The published vocabulary of the ``tokens`` encoding: token id ``k + 2`` is word
#: ``vocabulary()[k]`` (0: padding, 1: unknown).
vocabulary = lt.vocabulary


@lru_cache(maxsize=None)
def _word_ids() -> dict[str, int]:
    return {w: k + 2 for k, w in enumerate(vocabulary())}


def tokenize(text: str, length: int = MAX_TOKENS) -> np.ndarray:
    """The fixed-length integer encoding of an instruction: its lower-cased words (a
    ``?`` is a word of its own) as vocabulary ids, padded with 0 (cut at ``length``)."""
    index = _word_ids()
    words = re.findall(r"[a-z0-9_']+|\?", text.lower())
    ids = [index.get(w, UNKNOWN) for w in words][:length]
    return np.array(ids + [PAD] * (length - len(ids)), dtype=np.int64)


#: The characters an instruction may hold (gymnasium ``Text`` charset).
CHARSET = frozenset(string.ascii_letters + string.digits + " ?_")


class LanguageEnv(DMLabEnv):
    """DMLab-30 ``language_*``: pick up the object the instruction describes.

    ## Description
    Each task lays one of the level's text maps with objects of DMLab's 40
    human-recognisable shapes (drawn from spheres and cylinders), in DMLab's colours
    and sizes, and writes an instruction ("hat", "Pick the red object in the blue
    room", "Are all car objects green?" ...) into the observation. Picking up objects pays
    the task's rewards; a task ends (the map restarts with a new task and a new
    instruction) as DMLab's reward controller says: at the goal, at a wrong pickup,
    or when every goal object of an "every X" task is taken. See
    :mod:`memory_bench.envs.dmlab.language_tasks` for the four levels' task
    mixtures and rewards.

    ## Observation Space
    ``Dict(image=Box(0, 255, (72, 96, 3), uint8), INSTR=Text(128))``: the view (as
    every DMLab-style level, ``observation="RGBD"`` adds depth) and DMLab's
    instruction text. ``instruction="tokens"`` gives ``INSTR`` as
    ``Box(0, len(vocabulary()) + 1, (16,), int64)`` instead: word ids of the
    published :func:`vocabulary` (0 pads, 1 unknown), for agents that embed words.

    ## Rewards
    The task's: e.g. the goal +10 and a distractor -round(10 / distractors); "every X"
    tasks +1 per goal object and +10 more for the last; answers +10 / -10.

    ## Episode End
    Truncated after the level's time (60 or 120 s); tasks restart within it.

    ## Arguments
    ``level``: one of :data:`memory_bench.envs.dmlab.language_tasks.LEVELS`;
    ``instruction``: ``"text"`` or ``"tokens"``; :class:`DMLabEnv`'s keyword arguments.

    ## Version History
    * v0: first version (2026-12): DMLab-30's four language levels, with our own
      primitive-built objects and numpy random streams.
    """

    def __init__(self, level: str, instruction: str = "text", **kwargs: Any):
        if level not in lt.LEVELS:
            raise ValueError(f"unknown language level {level!r}; choose one of {lt.LEVELS}")
        if instruction not in INSTRUCTION_MODES:
            raise ValueError(f"unknown instruction={instruction!r}; choose one of {INSTRUCTION_MODES}")
        self.level = level
        self.instruction_mode = instruction
        self.episode_seconds = float(lt.LEVEL_INFO[level]["episode_seconds"])
        (h, w), self.n_items = lt.level_extent(level)
        self.map_shape = (h + 2, w + 2)  # DMLab's text-level builder walls the map in: a border of walls
        self.item_parts = hr_shapes.MAX_PARTS
        self.floor_colors = tuple(tuple(lt.rgb255(c) / 255.0) for c in lt.FLOOR_COLORS)
        super().__init__(**kwargs)
        image = self.observation_space
        if instruction == "text":
            instr = spaces.Text(MAX_INSTRUCTION_CHARS, charset="".join(sorted(CHARSET)))
        else:
            instr = spaces.Box(0, len(vocabulary()) + 1, (MAX_TOKENS,), np.int64)
        self.observation_space = spaces.Dict({"image": image, "INSTR": instr})
        self.task: lt.Task | None = None
        self._task_frame = -1

    # ------------------------------------------------------------------ tasks
    def _new_episode(self, rng: np.random.Generator) -> None:
        self.tasks_done = 0
        self._new_task(rng)

    def _on_restart(self, rng: np.random.Generator) -> None:
        self._new_task(rng)

    def _new_task(self, rng: np.random.Generator) -> None:
        task = lt.new_task(self.level, rng)
        self.task = task
        # the INSTR observation, fixed for the task (tokenized once, not every step)
        self._instr = task.instruction if self.instruction_mode == "text" else tokenize(task.instruction)
        self._task_frame = getattr(self, "frames", 0)
        h, w = self.map_shape
        # DMLab's "." floor and "O" object marks are floor cells of our text maps, which
        # sit at row and column 1 of the arena's map inside a border of walls
        rows = ["*" + r.replace(".", " ").replace("O", " ") for r in task.entity]
        rows = ["*" * w] + [r.ljust(w, "*") for r in rows] + ["*" * w] * (h - 1 - len(rows))
        var = ["." * w] + [("." + r).ljust(w, ".") for r in task.variations] + ["." * w] * (h - 1 - len(task.variations))
        text = tm.parse("\n".join(rows), "\n".join(var))
        color = np.full((h, w), -1, dtype=np.int64)
        letters = np.array([list(r) for r in var])
        for letter, name in task.region_colors.items():
            color[letters == letter] = lt.FLOOR_COLORS.index(name)
        self._show_map(text, rng, floor_color=color if task.region_colors else None)
        for slot in range(self.n_items):
            if slot < len(task.objs):
                o = task.objs[slot]
                self._place_item(slot, hr_shapes.scaled(o.shape, o.size), (o.cell[0] + 1, o.cell[1] + 1),
                                 hr_shapes.part_colors(o.pattern, o.rgb, o.rgb2))
                self._active[slot] = o.can_pickup
            else:
                self._place_item(slot, None)
        self.arena.commit_items()
        spawn = task.spawns[int(rng.integers(len(task.spawns)))]
        spread = task.spawn_range
        yaw = rng.uniform(0.0, 360.0) if spread >= 360 else (rng.random() - 0.5) * spread
        self._spawn((spawn[0] + 1, spawn[1] + 1), float(yaw) % 360.0)

    def _on_pickup(self, slot: int) -> float:
        if self.frames == self._task_frame:
            return 0.0  # touched in the same frame as the pickup that ended the last task
        self._collect(slot)
        reward, over = self.task.on_pickup(slot)
        if over:
            self.tasks_done += 1
            self._restart_map()
        return float(reward)

    # ------------------------------------------------------------------ observation
    def _observe(self):
        instr = self._instr if self.instruction_mode == "text" else self._instr.copy()
        return {"image": super()._observe(), "INSTR": instr}

    def _level_info(self) -> dict[str, Any]:
        return {"instruction": self.task.instruction, "task": self.task.spec.name, "tasks_done": self.tasks_done}
