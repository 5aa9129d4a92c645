"""Regenerates the pictures of the README: ``python docs/figures.py`` (needs the ``gui`` extra for PNG writing)."""

from __future__ import annotations

import os
from pathlib import Path

import gymnasium as gym
import numpy as np
import pygame

import memory_bench  # noqa: F401  (registers the ids)

OUT = Path(__file__).parent / "images"


def save(image: np.ndarray, name: str, scale: int = 1) -> None:
    surface = pygame.surfarray.make_surface(np.ascontiguousarray(image.swapaxes(0, 1)))
    if scale > 1:
        surface = pygame.transform.scale_by(surface, scale)
    tmp = OUT / f".{name}.tmp.png"
    pygame.image.save(surface, str(tmp))
    os.replace(tmp, OUT / name)  # no half-written picture if interrupted


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    save(explore_views(), "explore.png")
    save(rooms_views(), "rooms.png")
    save(language_views(), "language.png")
    save(skymaze_views(), "skymaze.png")
    save(natlab_views(), "natlab.png")
    save(goal_arena_views(), "goal_arena.png")
    save(spot_diff_views(), "spot_diff.png")
    views = []
    for env_id in ("MemoryMaze-9x9-HD-v0", "MemoryMaze-9x9-Vis-v0", "MemoryMaze-9x9-Top-v0", "MemoryMaze-15x15-Oracle-Top-v0"):
        env = gym.make(f"memory_bench:{env_id}", **({"camera_resolution": 256} if env_id.endswith("Vis-v0") else {}))
        obs, _ = env.reset(seed=1)
        views.append(obs)
        env.close()
    gap = np.full((256, 8, 3), 255, np.uint8)
    row = np.concatenate([v for pair in zip(views, [gap] * len(views)) for v in pair][:-1], axis=1)
    save(row, "views.png")
    env = gym.make("memory_bench:MemoryMaze-9x9-v0")
    obs, _ = env.reset(seed=1)
    save(obs, "first_person_64.png", scale=4)
    env.close()
    save(renderers_side_by_side(), "renderers.png")
    save(psychlab_tasks(), "psychlab.png")


def renderers_side_by_side() -> np.ndarray:
    """The same states drawn by the cpu ray caster (top row) and MuJoCo's OpenGL (bottom
    row): 64 px first person (shown 4x), 256 px first person, and the 256 px top view."""
    rows = {"cpu": [], "mujoco": []}
    for env_id, scale in (("MemoryMaze-9x9-v0", 4), ("MemoryMaze-11x11-HD-v0", 1), ("MemoryMaze-13x13-Top-v0", 1)):
        for renderer in rows:
            env = gym.make(f"memory_bench:{env_id}", renderer=renderer)
            obs, _ = env.reset(seed=4)
            for action in (1, 1, 4, 1):
                obs, *_ = env.step(action)
            rows[renderer].append(obs.repeat(scale, 0).repeat(scale, 1))
            env.close()
    gap = np.full((256, 8, 3), 255, np.uint8)
    lines = [np.concatenate([x for img in rows[r] for x in (img, gap)][:-1], axis=1) for r in rows]
    return np.concatenate([lines[0], np.full((8, lines[0].shape[1], 3), 255, np.uint8), lines[1]], axis=0)


PSYCHLAB_IDS = (
    "DMLab-psychlab_arbitrary_visuomotor_mapping-v0",
    "DMLab-psychlab_continuous_recognition-v0",
    "DMLab-psychlab_sequential_comparison-v0",
    "DMLab-psychlab_visual_search-v0",
    "MemoryTasks-change_detection_train-v0",
    "MemoryTasks-what_then_where_train-v0",
)


def psychlab_tasks() -> np.ndarray:
    """Each PsychLab task at its answer phase of the third trial (the oracle playing):
    the agent's 128 px first-person view (top) and ``view="screen"`` with the gaze
    cursor (bottom)."""
    from memory_bench.agents.psychlab import PsychLabOracle

    columns = []
    for env_id in PSYCHLAB_IDS:
        shots = []
        for view in ("first_person", "screen"):
            env = gym.make(f"memory_bench:{env_id}", resolution=128, view=view)
            oracle = PsychLabOracle(env)
            obs, _ = env.reset(seed=2)
            base = env.unwrapped
            # answer phase of trial 3: buttons shown and the gaze within a step of one
            while not (base.trials >= 2 and any(k.startswith("button_") for k in base.screen.widgets) and _near(base)):
                obs, *_ = env.step(oracle.act())
            shots.append(obs)
            env.close()
        columns.append(np.concatenate([shots[0], np.full((8, 128, 3), 255, np.uint8), shots[1]], axis=0))
    gap = np.full((columns[0].shape[0], 8, 3), 255, np.uint8)
    return np.concatenate([x for c in columns for x in (c, gap)][:-1], axis=1)


def _near(base) -> bool:
    """The gaze is near the oracle's target (so the picture shows the answer coming)."""
    from memory_bench.envs.psychlab.view import angles_for

    target = base.oracle_target
    if target is None:
        return False
    yaw, pitch = angles_for((target[0] + target[2]) / 2, (target[1] + target[3]) / 2)
    return abs(base.gaze.yaw - yaw) + abs(base.gaze.pitch - pitch) < 14


def explore_views() -> np.ndarray:
    """Four explore levels at DMLab's own 240 x 320: from a floor cell with a clear line
    to a pickup, looking at it (goal, apples, a closed door's level, object categories)."""
    import math

    from memory_bench.agents.dmlab import ExploreOracle
    from memory_bench.engine import textmap as tm

    panels = []
    for env_id, seed in (("DMLab-explore_goal_locations_small-v0", 2), ("DMLab-explore_object_locations_small-v0", 1),
                         ("DMLab-explore_obstructed_goals_small-v0", 4), ("DMLab-explore_object_rewards_many-v0", 0)):
        env = gym.make(f"memory_bench:{env_id}", height=240, width=320)
        obs, _ = env.reset(seed=seed)
        base = env.unwrapped
        oracle = ExploreOracle()
        items = base._items[base._active, :2]
        floor = np.argwhere(~base._solid)
        best = None
        for cell in floor:
            p = tm.cell_centre(cell, base.map.shape[0])
            for item in items:
                d = np.linalg.norm(item - p)
                if 150 < d < 450 and oracle._clear(base, p, item) and (best is None or d < best[0]):
                    best = (d, cell, math.degrees(math.atan2(item[1] - p[1], item[0] - p[0])))
        if best is not None:
            base._spawn(best[1], best[2])
            obs = base._observe()
        panels.append(obs)
        env.close()
    return tile(panels, cols=2)


def tile(panels: list[np.ndarray], cols: int, gap: int = 8) -> np.ndarray:
    """Equal-sized pictures in rows of ``cols``, ``gap`` white pixels apart."""
    h = panels[0].shape[0]
    rows = []
    for r in range(0, len(panels), cols):
        row = panels[r: r + cols]
        parts = [p for k, img in enumerate(row) for p in ([img] if k == 0 else [np.full((h, gap, 3), 255, np.uint8), img])]
        rows.append(np.concatenate(parts, axis=1))
    parts = [p for k, row in enumerate(rows) for p in ([row] if k == 0 else [np.full((gap, row.shape[1], 3), 255, np.uint8), row])]
    return np.concatenate(parts, axis=0)


def rooms_views() -> np.ndarray:
    """The rooms levels at 240 x 320, each from a spot that shows its point: the good and
    bad objects (default and replaced textures), the box before the shut door, the
    sample behind its glass, cue frames and the raised platform, a fence door."""
    from memory_bench.engine import textmap as tm
    from memory_bench.envs.dmlab import rooms
    from memory_bench.envs.dmlab.keys_doors import KeysDoorsPuzzle

    kw = dict(height=240, width=320)
    panels = []
    for split in ("train", "test"):
        env = rooms.CollectGoodObjects(split, allow_hold_out_levels=True, **kw)
        env.reset(seed=1)
        env._spawn_at(*env._at(-500.0, -100.0), 0.0)
        panels.append(env._observe())
        env.close()
    env = rooms.ExploitDeferredEffects("test", allow_hold_out_levels=True, **kw)
    env.reset(seed=2)
    bx, by = env._items[env.BOX_SLOT, :2]
    env._spawn_at(bx - 150, by, 0.0)
    panels.append(env._observe())
    env.close()
    env = rooms.SelectNonmatchingObject(**kw)
    env.reset(seed=0)
    panels.append(env._observe())
    env.close()
    env = rooms.Watermaze(**kw)
    env.reset(seed=0)
    px, py = env.platform
    env._on_pickup(0)  # the platform raised, as when found
    env._spawn_at(px - 300, py, 0.0)
    panels.append(env._observe())
    env.close()
    env = KeysDoorsPuzzle(**kw)
    env.reset(seed=3)
    cell = env.door_cells[0]
    x, y = tm.cell_centre(cell, env.map.shape[0])
    along_x = env.map.entity[tuple(cell)] == "I"
    env._spawn_at(x - 150 if along_x else x, y if along_x else y - 150, 0.0 if along_x else 90.0)
    panels.append(env._observe())
    env.close()
    return tile(panels, cols=3)


#: (level, seed, view): "spawn" faces east from the spawn point, "goal" stands in the
#: goal's room 1.5 cells from the goal, facing it.
LANGUAGE_VIEWS = (
    ("select_described_object", 0, "spawn"),
    ("select_located_object", 4, "goal"),
    ("execute_random_task", 1, "goal"),
    ("answer_quantitative_question", 2, "spawn"),
)


def language_views() -> np.ndarray:
    """The language levels at 240 x 320, the first task of a seed (its instruction is
    printed here and written in the README's caption)."""
    from memory_bench.engine import textmap as tm
    from memory_bench.envs.dmlab.language import LanguageEnv

    panels = []
    for level, seed, view in LANGUAGE_VIEWS:
        env = LanguageEnv(level, height=240, width=320, show_clock=False)
        env.reset(seed=seed)
        task = env.task
        h = env.map.shape[0]
        if view == "goal":
            cell = np.add(task.objs[task.targets()[0]].cell, 1)  # the env's map has a border of walls
            goal = tm.cell_centre(cell, h).astype(float)
            centre = tm.cell_centre(np.argwhere(env.map.rooms == env.map.rooms[tuple(cell)]), h).mean(axis=0)
            d = (goal - centre) / max(float(np.linalg.norm(goal - centre)), 1e-6)
            env._spawn_at(*(goal - 150.0 * d), float(np.degrees(np.arctan2(d[1], d[0]))))
        else:
            env._spawn_at(*env._state[:2], 0.0)
        panels.append(env._observe()["image"])
        print(f"{level}: {task.instruction!r}")
        env.close()
    return tile(panels, cols=2)


def skymaze_views() -> np.ndarray:
    """The hard sky maze at 240 x 320: from the start platform toward the goal, level
    and looking down (the overview to plan with), and from a platform halfway down."""
    from memory_bench.engine import textmap as tm
    from memory_bench.engine.agents import quake
    from memory_bench.envs.dmlab import skymaze as sk

    env = sk.SkyMaze(height=240, width=320, show_clock=False)
    env.reset(seed=0)
    h = env.map.shape[0]
    x, y = env._state[:2]
    gx, gy = tm.cell_centre(np.array(env.goal), h)
    yaw = float(np.degrees(np.arctan2(gy - y, gx - x)))
    panels = []
    for pitch in (0.0, 35.0):
        env._spawn_at(x, y, yaw, z=float(sk.floor_units(env.heights[env.start])))
        env._state[quake.PITCH] = pitch
        panels.append(env._observe())
    way = sk.route(env.heights, env.start, env.goal)
    mid = way[len(way) // 2]
    mx, my = tm.cell_centre(np.array(mid), h)
    env._spawn_at(mx, my, float(np.degrees(np.arctan2(gy - my, gx - mx))), z=float(sk.floor_units(env.heights[mid])))
    env._state[quake.PITCH] = 20.0
    panels.append(env._observe())
    env.close()
    return tile(panels, cols=3)


def natlab_views() -> np.ndarray:
    """NatLab at 240 x 320: one varying map in the dawn, day and night lights, facing
    its nearest mushroom patch, and the fixed large map by day."""
    from memory_bench.engine.agents import quake
    from memory_bench.envs.dmlab import natlab as nl

    panels = []
    for level, seed, light in (("varying_map_randomized", 3, "dawn"), ("varying_map_randomized", 3, "day"),
                               ("varying_map_randomized", 3, "night"), ("fixed_large_map", 0, "day")):
        env = nl.NatLab(level, height=240, width=320, show_clock=False)
        env.reset(seed=seed)
        env.lighting = light
        env._set_lighting(nl.LIGHTING[light])
        env.arena.commit_items()  # the renderer re-reads the light
        x, y = env._state[:2]
        near = env._items[np.argmin(np.hypot(*(env._items[: env.mushroom_count, :2] - (x, y)).T)), :2]
        env._state[quake.YAW] = float(np.degrees(np.arctan2(near[1] - y, near[0] - x)))
        panels.append(env._observe())
        env.close()
    return tile(panels, cols=2)


def goal_arena_views() -> np.ndarray:
    """The Memory Task Suite's goal navigation at 240 x 320: the empty arena and the
    arena with buildings (training stimuli), the visible goal, and a hold-out arena."""
    from memory_bench.engine import textmap as tm
    from memory_bench.engine.agents import quake
    from memory_bench.envs.memory_suite import goal_arena as ga

    panels = []
    for task, split in (("invisible_goal_empty_arena", "train"), ("invisible_goal_with_buildings", "train"),
                        ("visible_goal_with_buildings", "train"), ("invisible_goal_with_buildings", "holdout_extrapolate")):
        env = ga.GoalArena(task, split, height=240, width=320)
        env.reset(seed=3)
        h = env.map.shape[0]
        gx, gy = tm.cell_centre(np.array(env.layout.goal), h)
        x, y = tm.cell_centre(np.array([h - 2, 1]), h)  # a corner of the arena, looking at the goal
        env._spawn_at(float(x), float(y), float(np.degrees(np.arctan2(gy - y, gx - x))))
        env._state[quake.PITCH] = 5.0
        panels.append(env._observe())
        env.close()
    return tile(panels, cols=2)


def spot_diff_views() -> np.ndarray:
    """Spot the Difference at 240 x 320: the study room and the choice room of one
    trial, seen from the same corner of each (one block changed colour)."""
    from memory_bench.engine import textmap as tm
    from memory_bench.engine.agents import quake
    from memory_bench.envs.memory_suite import spot_diff as sd

    env = sd.SpotDiff("spot_diff", "train", height=240, width=320)
    env.reset(seed=2)
    h = env.map.shape[0]
    panels = []
    for room in (env.study, env.choice):  # the same spot in each room: its south-west corner, facing north-east
        x, y = tm.cell_centre(np.array([room[0] + sd.ROOM - 1, room[1]]), h)
        env._spawn_at(float(x) - 30.0, float(y) - 30.0, 40.0)
        env._state[quake.PITCH] = 20.0
        panels.append(env._observe())
    env.close()
    return tile(panels, cols=2)


if __name__ == "__main__":
    main()
