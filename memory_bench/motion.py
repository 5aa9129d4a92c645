"""``python -m memory_bench.motion``: the agent's motion figures, next to the original's.

Every speed change to Memory Maze's physics or step loop must leave the agent moving as
it moves in the original (memory-maze 1.0.3 on dm_control). This module measures the
figures that describe that motion, in one open 15x15 room (only the outer walls), the
agent spawned at rest:

* ``forward_k``: grid cells covered in the k-th step of holding *forward* from rest;
* ``coast_k``: cells covered in the k-th *noop* step after six forward steps;
* ``turn_left_k``, ``turn_right_k``: degrees turned in the k-th step of turning from rest;
* ``forward_left_speed_k``, ``forward_left_turn_k``: cells and degrees of the k-th
  *forward + left* step;
* ``wall_contact_step``: the step in which the agent, driving forward from the top row
  at 10 degrees to the top wall, reaches the wall; ``wall_creep``: cells it moves along
  the wall in the six steps after that (the wall's friction holds it back).

For the ``-HiFreq`` rate (40 Hz) the same sequences run with ten times as many steps;
the figures there, named ``hf_...``, are the cells (or degrees) of each of the first
four 0.025 s steps, then of each 0.25 s (ten steps) from the second 0.25 s on.

``ORIGINAL`` holds the figures measured on the original (its values are the reference
of ``tests/test_motion.py``, which asks for 5 % everywhere); ``--original-python PATH``
measures them again in another interpreter where ``memory_maze`` is importable, with the
same protocol (its source is sent there), by making labmaze's maze one open room.
"""

from __future__ import annotations

import argparse
import inspect
import json
import subprocess
import sys
import textwrap
from typing import Any, Callable

import numpy as np

#: The open room and its targets (row, col). The protocol spawns the agent at (8, 1),
#: the middle of the left edge, and at (1, 2) in the top row (see run_protocol).
ROOM_SIZE = 15
ROOM_TARGETS = ((1, 1), (1, 15), (15, 1), (15, 15), (2, 8), (14, 8))

#: Relative tolerance of every figure (the motion issue's bar).
TOLERANCE = 0.05

#: The original's figures: memory-maze 1.0.3, dm-control 1.0.50, mujoco 3.17.0, measured
#: with ``python -m memory_bench.motion --original-python ...`` on 2026-12-06.
ORIGINAL: dict[str, float] = {
    "forward_1": 0.112147,
    "forward_2": 0.21859,
    "forward_3": 0.242928,
    "forward_4": 0.248269,
    "forward_5": 0.249441,
    "forward_6": 0.249698,
    "coast_1": 0.137614,
    "coast_2": 0.031179,
    "coast_3": 0.00684265,
    "turn_left_1": 14.107,
    "turn_left_2": 18.3249,
    "turn_left_3": 18.3875,
    "turn_left_4": 18.3986,
    "turn_left_5": 18.3893,
    "turn_right_1": 14.107,
    "turn_right_2": 18.3249,
    "turn_right_3": 18.3875,
    "turn_right_4": 18.3986,
    "turn_right_5": 18.3893,
    "forward_left_speed_1": 0.0984993,
    "forward_left_speed_2": 0.194592,
    "forward_left_speed_3": 0.229396,
    "forward_left_speed_4": 0.241684,
    "forward_left_speed_5": 0.245928,
    "forward_left_speed_6": 0.247377,
    "forward_left_turn_1": 14.6556,
    "forward_left_turn_2": 18.3031,
    "forward_left_turn_3": 18.2513,
    "forward_left_turn_4": 18.23,
    "forward_left_turn_5": 18.232,
    "forward_left_turn_6": 18.2229,
    "wall_contact_step": 10.0,
    "wall_creep": 0.21971,
    "hf_forward_1": 0.00202878,
    "hf_forward_2": 0.00414046,
    "hf_forward_3": 0.00646801,
    "hf_forward_4": 0.00886466,
    "hf_forward_5": 0.21859,
    "hf_forward_6": 0.242928,
    "hf_forward_7": 0.248269,
    "hf_forward_8": 0.249441,
    "hf_forward_9": 0.249698,
    "hf_coast_1": 0.0229455,
    "hf_coast_2": 0.0208347,
    "hf_coast_3": 0.0185079,
    "hf_coast_4": 0.0161116,
    "hf_coast_5": 0.031179,
    "hf_coast_6": 0.00684265,
    "hf_turn_left_1": 0.387265,
    "hf_turn_left_2": 0.869725,
    "hf_turn_left_3": 1.19207,
    "hf_turn_left_4": 1.40784,
    "hf_turn_left_5": 18.3249,
    "hf_turn_left_6": 18.3875,
    "hf_turn_left_7": 18.3986,
    "hf_turn_left_8": 18.3893,
    "hf_turn_right_1": 0.387265,
    "hf_turn_right_2": 0.869725,
    "hf_turn_right_3": 1.19207,
    "hf_turn_right_4": 1.40784,
    "hf_turn_right_5": 18.3249,
    "hf_turn_right_6": 18.3875,
    "hf_turn_right_7": 18.3986,
    "hf_turn_right_8": 18.3893,
    "hf_forward_left_speed_1": 0.00202713,
    "hf_forward_left_speed_2": 0.00413302,
    "hf_forward_left_speed_3": 0.00644163,
    "hf_forward_left_speed_4": 0.00804551,
    "hf_forward_left_speed_5": 0.195401,
    "hf_forward_left_speed_6": 0.230354,
    "hf_forward_left_speed_7": 0.242695,
    "hf_forward_left_speed_8": 0.246955,
    "hf_forward_left_speed_9": 0.248411,
    "hf_forward_left_turn_1": 0.437816,
    "hf_forward_left_turn_2": 0.957746,
    "hf_forward_left_turn_3": 1.27639,
    "hf_forward_left_turn_4": 1.48891,
    "hf_forward_left_turn_5": 18.3031,
    "hf_forward_left_turn_6": 18.2513,
    "hf_forward_left_turn_7": 18.23,
    "hf_forward_left_turn_8": 18.232,
    "hf_forward_left_turn_9": 18.2229,
    "hf_wall_contact_step": 98.0,
    "hf_wall_creep": 0.260696,
}


def run_protocol(spawn: Callable, step: Callable, repeat: int = 1) -> dict[str, list[float]]:
    """The raw sequences of the protocol (see the module docstring).

    ``spawn((row, col), heading)`` puts the agent at rest there facing ``heading``
    (radians from +x) and returns ``(agent_pos, agent_dir)`` in the original's grid
    units after 0.25 s of noop steps (the ball settles on the floor: how its first
    contact starts depends on rounding at the level of 1e-17 m); ``step(action)``
    returns the same after one step. ``repeat`` multiplies every
    step count (10 for 40 Hz). Uses only numpy, so that its source runs in the
    original's interpreter too.
    """
    import numpy as np

    def angle(d):
        return float(np.degrees(np.arctan2(d[1], d[0])))

    def turned(a, b):
        return (angle(b) - angle(a) + 180.0) % 360.0 - 180.0

    def drive(cell, heading, actions):
        pos, direction = spawn(cell, heading)
        moved, turns, xs, ys = [], [], [], []
        for action in actions:
            new_pos, new_dir = step(action)
            moved.append(float(np.linalg.norm(new_pos - pos)))
            turns.append(turned(direction, new_dir))
            xs.append(float(new_pos[0] - pos[0]))
            ys.append(float(new_pos[1]))
            pos, direction = new_pos, new_dir
        return moved, turns, xs, ys

    r = repeat
    out: dict[str, list[float]] = {}
    moved, _, _, _ = drive((8, 1), 0.0, [1] * (6 * r) + [0] * (3 * r))
    out["forward"], out["coast"] = moved[: 6 * r], moved[6 * r:]
    out["turn_left"] = drive((8, 1), 0.0, [2] * (5 * r))[1]
    out["turn_right"] = [-t for t in drive((8, 1), 0.0, [3] * (5 * r))[1]]
    moved, turns, _, _ = drive((8, 1), 0.0, [4] * (6 * r))
    out["forward_left_speed"], out["forward_left_turn"] = moved, turns
    _, _, xs, ys = drive((1, 2), float(np.radians(10.0)), [1] * (16 * r))
    out["wall_dx"], out["wall_y"] = xs, ys
    return out


#: A step counts as "at the wall" once the agent's centre is this close to the top
#: wall's face (the ball's radius is 0.1 cells; it stops about 0.103 cells short).
_AT_WALL = 0.11


def figures(raw: dict[str, list[float]], repeat: int = 1) -> dict[str, float]:
    """Named scalar figures of the raw sequences of :func:`run_protocol`."""
    prefix = "" if repeat == 1 else "hf_"

    def windows(seq: list[float]) -> list[float]:
        if repeat == 1:
            return list(seq)
        head = list(seq[:4])  # the first four 0.025 s steps one by one
        return head + [float(sum(seq[k: k + repeat])) for k in range(repeat, len(seq), repeat)]

    out: dict[str, float] = {}
    for key in ("forward", "coast", "turn_left", "turn_right", "forward_left_speed", "forward_left_turn"):
        for k, value in enumerate(windows(raw[key]), 1):
            out[f"{prefix}{key}_{k}"] = float(value)
    ys = np.asarray(raw["wall_y"])
    wall = ROOM_SIZE  # the top wall's face, in grid units
    contact = int(np.argmax(ys > wall - _AT_WALL))
    out[f"{prefix}wall_contact_step"] = float(contact + 1)
    out[f"{prefix}wall_creep"] = float(np.sum(raw["wall_dx"][contact + 1: contact + 1 + 6 * repeat]))
    return out


def measure_ours(control_freq: float = 4.0) -> dict[str, float]:
    """The figures of memory_bench's Memory Maze at ``control_freq`` (4 or 40 Hz)."""
    from memory_bench.engine.layout import open_room
    from memory_bench.envs.memory_maze import MemoryMazeEnv

    repeat = int(round(control_freq / 4.0))
    env = MemoryMazeEnv(ROOM_SIZE, extra_obs=True, camera_resolution=16, control_freq=control_freq, max_steps=10**6)
    env.reset(seed=0)
    lay = open_room(ROOM_SIZE, ROOM_TARGETS)
    env.world.apply_layout(lay, np.zeros(9, dtype=np.int64), lay.object_cells, env.target_colors)

    def step(action):
        obs, *_ = env.step(action)
        return obs["agent_pos"].copy(), obs["agent_dir"].copy()

    def spawn(cell, heading):
        env.world.spawn(np.array(cell), heading)
        for _ in range(repeat):  # 0.25 s to settle, as the original's side does
            out = step(0)
        return out

    try:
        return figures(run_protocol(spawn, step, repeat), repeat)
    finally:
        env.close()


_ORIGINAL_MAIN = """
def _original_main(control_freq):
    import labmaze
    import numpy as np
    from memory_maze import maze, tasks

    spawn_cell = [8, 1]

    def open_room(self):  # labmaze's maze, then one open room with the outer walls
        labmaze.RandomMaze.regenerate(self)
        grid = self.entity_layer
        grid[:, :] = " "
        grid[0, :] = grid[-1, :] = grid[:, 0] = grid[:, -1] = "*"
        for r, c in TARGETS:
            grid[r, c] = "G"
        grid[spawn_cell[0], spawn_cell[1]] = "P"
        self._block_variations()

    maze.TextMazeVaryingWalls.regenerate = open_room
    env = tasks.memory_maze_15x15(seed=1, global_observables=True, control_freq=control_freq)

    def step(action):
        ts = env.step(action)
        return np.array(ts.observation["agent_pos"]), np.array(ts.observation["agent_dir"])

    def spawn(cell, heading):
        spawn_cell[:] = cell
        env.reset()
        physics = env.physics
        physics.data.qpos[3] = -heading  # the steer hinge turns about -z
        physics.data.qvel[:] = 0.0
        physics.forward()
        for _ in range(repeat):  # 0.25 s to settle
            out = step(0)
        return out

    repeat = int(round(control_freq / 4.0))
    return run_protocol(spawn, step, repeat)


os.environ.setdefault("MUJOCO_GL", "egl")
print(json.dumps(_original_main(float(sys.argv[1]))), flush=True)
"""


def original_worker_code() -> str:
    """The program run in the original's interpreter: the protocol, driving ``memory_maze``."""
    return (
        "from __future__ import annotations\n\nimport json, os, sys\n\n"
        f"TARGETS = {list(ROOM_TARGETS)!r}\n"
        + textwrap.dedent(inspect.getsource(run_protocol))
        + _ORIGINAL_MAIN
    )


def measure_original(python: str, control_freq: float = 4.0, timeout: float = 600.0) -> dict[str, float]:
    """The original's figures, measured in the interpreter ``python``."""
    proc = subprocess.run(
        [python, "-c", original_worker_code(), repr(float(control_freq))],
        capture_output=True, text=True, timeout=timeout,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"the original's worker failed (status {proc.returncode}):\n{tail}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    return figures(json.loads(line), int(round(control_freq / 4.0)))


def compare(ours: dict[str, float], original: dict[str, float]) -> list[dict[str, Any]]:
    """One row per figure: both values, the relative difference and whether it is within
    :data:`TOLERANCE`."""
    rows = []
    for name, ref in original.items():
        value = ours.get(name)
        rel = None if value is None else (value - ref) / abs(ref)
        rows.append({"figure": name, "original": ref, "ours": value, "rel": rel,
                     "ok": rel is not None and abs(rel) <= TOLERANCE})
    return rows


def format_rows(rows: list[dict[str, Any]]) -> str:
    lines = [f"{'figure':28s} {'original':>10s} {'ours':>10s} {'diff':>8s}"]
    for r in rows:
        ours = "n/a" if r["ours"] is None else f"{r['ours']:.4f}"
        diff = "n/a" if r["rel"] is None else f"{100 * r['rel']:+.1f}%"
        lines.append(f"{r['figure']:28s} {r['original']:10.4f} {ours:>10s} {diff:>8s}{'' if r['ok'] else '  <-- over 5%'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m memory_bench.motion",
        description="Memory Maze's motion figures (open 15x15 room) next to the original's; exits 1 when a "
        "figure differs by more than 5 %.",
    )
    parser.add_argument("--original-python", metavar="PATH",
                        help="measure the original too, in this interpreter (memory-maze 1.0.3 importable); "
                        "default: compare with the figures stored in memory_bench.motion.ORIGINAL")
    parser.add_argument("--json", metavar="FILE", help="also write both figure sets to FILE")
    args = parser.parse_args(argv)
    ours: dict[str, float] = {}
    original: dict[str, float] = {} if args.original_python else dict(ORIGINAL)
    for freq in (4.0, 40.0):
        ours.update(measure_ours(freq))
        if args.original_python:
            original.update(measure_original(args.original_python, freq))
    rows = compare(ours, original)
    print(format_rows(rows))
    if args.json:
        from memory_bench._io import atomic_write

        with atomic_write(args.json, "w", prefix=".motion-") as f:
            json.dump({"ours": ours, "original": original}, f, indent=2)
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
