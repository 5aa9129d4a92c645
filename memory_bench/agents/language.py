"""A scripted player of the DMLab-30 language levels that reads the instruction.

:func:`parse` turns an instruction of any of the four levels' grammars into a test on
objects; :func:`referents` applies it to a task's objects, the way a player who sees
every object's shape, colour and room would read it. :class:`InstructionAgent` walks
(IMPALA actions, shortest paths around the other objects) to the nearest object the
instruction picks, or to the yes / no ball of a question. It perceives objects from the
env's state, not from pixels: the upper reference beside DMLab's human scores, as the
oracles of the explore and rooms levels are.

The tests check, over thousands of drawn tasks, that :func:`referents` of every
instruction is exactly the set of objects DMLab's reward rules pay for
(:meth:`~memory_bench.envs.dmlab.language_tasks.Task.targets`): every instruction the
generator produces names its goal and nothing else.
"""

from __future__ import annotations

import re
from typing import Callable

import numpy as np

from memory_bench.agents.dmlab import LOOK_LEFT, ExploreOracle, RoomsOracle, steer
from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab import language_tasks as lt

_W = r"([a-z0-9_]+)"
Obj = lt.Obj


def _room(task: lt.Task, o: Obj) -> str | None:
    return task.map.region_at(o.cell) if o.cell is not None else None


def _near(task: lt.Task, o: Obj, test: Callable[[Obj], bool]) -> bool:
    """Another object in ``o``'s room passes ``test`` (DMLab's "near": same room)."""
    room = _room(task, o)
    return room is not None and any(p is not o and _room(task, p) == room and test(p) for p in task.objs)


def parse(instruction: str) -> Callable[[lt.Task], list[int] | bool]:
    """A function of a task that gives the indices of the objects ``instruction``
    refers to, or, for a question, its answer (True: yes). Raises ValueError on text
    outside the four levels' grammars."""
    s = instruction.strip()
    shapes, colors = set(lt.SHAPE_NAMES), set(lt.COLOR_NAMES)

    def pick(test: Callable[[lt.Task, Obj], bool]):
        return lambda task: [k for k, o in enumerate(task.objs) if test(task, o)]

    if m := re.fullmatch(rf"Pick the {_W} object in the {_W} room", s):
        c, floor = m.groups()
        return pick(lambda t, o: o.color == c and t.region_colors.get(_room(t, o)) == floor)
    if m := re.fullmatch(rf"Every {_W} object", s):
        c = m.group(1)
        return pick(lambda t, o: o.color == c)
    if m := re.fullmatch(rf"Every {_W}", s):
        sh = m.group(1)
        return pick(lambda t, o: o.shape == sh)
    if m := re.fullmatch(rf"{_W} object near {_W} object", s):
        c, c2 = m.groups()
        return pick(lambda t, o: o.color == c and _near(t, o, lambda p: p.color == c2))
    if m := re.fullmatch(rf"{_W} near {_W} object", s):
        sh, c2 = m.groups()
        return pick(lambda t, o: o.shape == sh and _near(t, o, lambda p: p.color == c2))
    if m := re.fullmatch(rf"{_W} near {_W}", s):
        sh, sh2 = m.groups()
        return pick(lambda t, o: o.shape == sh and _near(t, o, lambda p: p.shape == sh2))
    if m := re.fullmatch(rf"Are all {_W} objects {_W}\?", s):
        sh, c = m.groups()
        return lambda t: all(o.color == c for o in _shown(t) if o.shape == sh)
    if m := re.fullmatch(rf"Is any {_W} {_W}\?", s):
        sh, c = m.groups()
        return lambda t: any(o.shape == sh and o.color == c for o in _shown(t))
    if m := re.fullmatch(rf"Is anything {_W}\?", s):
        c = m.group(1)
        return lambda t: any(o.color == c for o in _shown(t))
    if m := re.fullmatch(rf"Are most {_W} objects {_W}\?", s):
        sh, c = m.groups()
        return lambda t: (sum(o.shape == sh and o.color == c for o in _shown(t))
                          > sum(o.shape == sh and o.color != c for o in _shown(t)))
    if m := re.fullmatch(rf"{_W} {_W}", s):
        c, sh = m.groups()
        if c in colors and sh in shapes:
            return pick(lambda t, o: o.color == c and o.shape == sh)
    if m := re.fullmatch(_W, s):
        w = m.group(1)
        if w in colors:
            return pick(lambda t, o: o.color == w)
        if w in shapes:
            return pick(lambda t, o: o.shape == w)
    raise ValueError(f"not an instruction of the language levels: {instruction!r}")


def _shown(task: lt.Task) -> list[Obj]:
    """The question's objects: what is on the map, less the yes / no balls."""
    return [o for o in task.objs if o.group > 2]


def referents(task: lt.Task) -> list[int]:
    """Indices into ``task.objs`` of what the instruction asks for: the objects it
    describes, or the yes (answer True) or no ball of a question."""
    out = parse(task.instruction)(task)
    if isinstance(out, bool):
        return [k for k, o in enumerate(task.objs) if o.group == (1 if out else 2)]
    return out


class InstructionAgent(ExploreOracle):
    """Reads the instruction, finds what it refers to among the objects in view of a
    player who sees the whole map, and walks to the nearest one (keeping clear of the
    other objects)."""

    def reset(self, env=None) -> None:
        super().reset(env)
        self._instruction = None

    def _targets(self, env) -> np.ndarray:
        task = env.task
        if task.instruction != self._instruction:
            self._instruction = task.instruction
            self._wanted = np.zeros(len(env._active), dtype=bool)
            self._wanted[referents(task)] = True
        return env._items[env._active & self._wanted, :2]

    def act(self, env) -> int:
        env = env.unwrapped
        targets = self._targets(env)
        if not len(targets):
            return LOOK_LEFT
        pos = env._state[quake.X: quake.Y + 1].copy()
        avoid = env._items[env._active & ~self._wanted, :2]
        # plan on the map with the other objects' cells blocked
        h = env.map.shape[0]
        solid = env._solid.copy()
        cells = tm.world_cell(avoid, h)
        solid[cells[:, 0], cells[:, 1]] = True
        here = tuple(tm.world_cell(pos, h))
        solid[here] = False  # the agent's own cell, if it stands on an object's
        dist = tm.distances(~solid, here)
        cells = tm.world_cell(targets, h)
        d = dist[cells[:, 0], cells[:, 1]]
        k = int(np.argmin(np.where(d < 0, 10**9, d)))
        point = targets[k]
        if not self._clear(env, pos, point):
            path = tm.random_path(~solid, here, tuple(cells[k]), np.random.default_rng(0))
            centres = tm.cell_centre(np.array(path), h) if path else targets[k:k + 1]
            point = centres[min(1, len(centres) - 1)]
            for c in centres[::-1]:  # the farthest path cell in a straight line
                if self._clear(env, pos, c):
                    point = c
                    break
        return steer(env, RoomsOracle._around(pos, point, avoid))
