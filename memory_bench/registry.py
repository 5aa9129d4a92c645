"""The env-id table: every registered id comes from here, generated, not written out.

``MemoryMaze-{N}x{N}-{variant}v0`` for the four sizes and the sixteen variants of the
original memory-maze package, with the same meaning:

======================  =====================================================
variant                 meaning
======================  =====================================================
(none)                  64x64 first-person image
``Vis``                 good visibility: low walls, floating targets
``HD``                  256x256 image
``Top``                 256x256 image from above the maze
``ExtraObs``            dict observation with the probe keys
``Oracle``              shortest path and minimap drawn (privileged)
``HiFreq``              40 Hz control instead of 4 Hz
``6CL``                 targets' colours drawn from all six in every size
======================  =====================================================

``Alchemy-<level>-v0`` for every named level of symbolic Alchemy
(:data:`memory_bench.envs.alchemy.chemistry.LEVELS`), with ``level=<level>``.

``DMLab-<dmlab30 level>-v0`` and ``MemoryTasks-<task>_<split>-v0`` for the PsychLab
screen tasks (:mod:`memory_bench.envs.psychlab.levels` explains the scheme).

``DMLab-explore_*-v0`` (DMLab-30's 8 explore levels) and
``MemoryTasks-explore_goal_locations_<split>-v0`` (the Memory Task Suite's 8 splits) for
the first-person explore levels of :mod:`memory_bench.envs.dmlab.explore`, with
``level=<name>``; ``max_episode_steps`` is the level's frames / 4.

``DMLab-rooms_*``, ``DMLab-language_*``, ``DMLab-skymaze_*``, ``DMLab-natlab_*`` and
``DMLab-lasertag_*`` for the other first-person DMLab-30 levels (``envs/dmlab``), and
``MemoryTasks-<task>_<split>-v0`` for the Memory Task Suite's 8 Unity tasks
(``envs/memory_suite``: goal navigation, Spot the Difference, transitive inference).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gymnasium as gym

from memory_bench.envs.alchemy.chemistry import LEVELS as ALCHEMY_LEVELS
from memory_bench.envs.dmlab.explore import DMLAB30_EXPLORE, MEMORY_SUITE_EXPLORE
from memory_bench.envs.memory_maze import SIZES
from memory_bench.envs.memory_suite import goal_arena, spot_diff, transitive
from memory_bench.envs.psychlab.levels import DMLAB30_LEVELS, MEMORY_SUITE_LEVELS
from memory_bench.envs.psychlab.vector import vector_entry_point as psychlab_vector_entry_point

ENTRY_POINT = "memory_bench.envs.memory_maze:MemoryMazeEnv"
VECTOR_ENTRY_POINT = "memory_bench.vector:MemoryMazeVectorEnv"
EXPLORE_ENTRY_POINT = "memory_bench.envs.dmlab.explore:ExploreEnv"
ALCHEMY_ENTRY_POINT = "memory_bench.envs.alchemy.env:AlchemyEnv"
ALCHEMY_VECTOR_ENTRY_POINT = "memory_bench.envs.alchemy.vector:AlchemyVectorEnv"

_HD = dict(camera_resolution=256)
_TOP = dict(camera_resolution=256, top_camera=True)
_VIS = dict(good_visibility=True)
_EXTRA = dict(extra_obs=True)
_ORACLE = dict(show_path=True)
_HIFREQ = dict(control_freq=40.0)
_6CL = dict(randomize_colors=True)

#: Variant suffix -> keyword arguments, in the original's order.
MEMORY_MAZE_VARIANTS: dict[str, dict[str, Any]] = {
    "": {},
    "Vis": _VIS,
    "HD": _HD,
    "Top": _TOP,
    "ExtraObs": _EXTRA,
    "ExtraObs-Vis": {**_EXTRA, **_VIS},
    "ExtraObs-Top": {**_EXTRA, **_TOP},
    "Oracle": _ORACLE,
    "Oracle-Top": {**_ORACLE, **_TOP},
    "Oracle-ExtraObs": {**_ORACLE, **_EXTRA},
    "HiFreq": _HIFREQ,
    "HiFreq-Vis": {**_HIFREQ, **_VIS},
    "HiFreq-HD": {**_HIFREQ, **_HD},
    "6CL": _6CL,
    "6CL-Top": {**_6CL, **_TOP},
    "6CL-ExtraObs": {**_6CL, **_EXTRA},
}


@dataclass(frozen=True)
class EnvEntry:
    """One registered id."""

    id: str
    family: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    max_episode_steps: int | None = None
    entry_point: str = ENTRY_POINT
    vector_entry_point: str | None = VECTOR_ENTRY_POINT
    #: A hold-out (test) level: it loads only with ``allow_hold_out_levels=True``.
    hold_out: bool = False


def _memory_maze_entries() -> list[EnvEntry]:
    entries = []
    for size, params in SIZES.items():
        for variant, kwargs in MEMORY_MAZE_VARIANTS.items():
            freq = kwargs.get("control_freq", 4.0)
            suffix = f"-{variant}" if variant else ""
            entries.append(
                EnvEntry(
                    id=f"MemoryMaze-{size}x{size}{suffix}-v0",
                    family="MemoryMaze",
                    kwargs={"size": size, **kwargs},
                    max_episode_steps=int(round(params.time_limit * freq)),
                )
            )
    return entries


def _alchemy_entries() -> list[EnvEntry]:
    # No TimeLimit: an episode ends by itself after its trials (200 steps by default).
    return [
        EnvEntry(
            id=f"Alchemy-{level}-v0",
            family="Alchemy",
            kwargs={"level": level},
            entry_point=ALCHEMY_ENTRY_POINT,
            vector_entry_point=ALCHEMY_VECTOR_ENTRY_POINT,
        )
        for level in ALCHEMY_LEVELS
    ]


def _psychlab_entries() -> list[EnvEntry]:
    # The env ends its own episodes (frame budget, trial cap); max_episode_steps is the
    # same budget in steps, so that spec.max_episode_steps tells it.
    groups = (("DMLab", "DMLab-PsychLab", DMLAB30_LEVELS), ("MemoryTasks", "MemoryTasks-PsychLab", MEMORY_SUITE_LEVELS))
    return [
        EnvEntry(
            id=f"{prefix}-{level.name}-v0",
            family=family,
            kwargs=dict(level.kwargs),
            max_episode_steps=level.max_episode_steps,
            entry_point=level.entry_point,
            vector_entry_point=psychlab_vector_entry_point(level.entry_point),
        )
        for prefix, family, levels in groups
        for level in levels.values()
    ]


def _explore_entries() -> list[EnvEntry]:
    # The env truncates its own episodes when the frames run out; max_episode_steps is
    # that budget in steps of 4 frames (the default action repeat).
    groups = (("DMLab", "DMLab-Explore", DMLAB30_EXPLORE), ("MemoryTasks", "MemoryTasks-Explore", MEMORY_SUITE_EXPLORE))
    return [
        EnvEntry(
            id=f"{prefix}-{name}-v0",
            family=family,
            kwargs={"level": name},
            max_episode_steps=int(round(level.episode_seconds * 60)) // 4,
            entry_point=EXPLORE_ENTRY_POINT,
            vector_entry_point=None,
        )
        for prefix, family, levels in groups
        for name, level in levels.items()
    ]


#: DMLab-30's rooms levels: name -> (entry point, kwargs, episode seconds, hold-out).
ROOMS_LEVELS: dict[str, tuple[str, dict[str, Any], float, bool]] = {
    "rooms_collect_good_objects_train": ("memory_bench.envs.dmlab.rooms:CollectGoodObjects", {"split": "train"}, 60, False),
    "rooms_collect_good_objects_test": ("memory_bench.envs.dmlab.rooms:CollectGoodObjects", {"split": "test"}, 60, True),
    "rooms_exploit_deferred_effects_train": ("memory_bench.envs.dmlab.rooms:ExploitDeferredEffects", {"split": "train"}, 60, False),
    "rooms_exploit_deferred_effects_test": ("memory_bench.envs.dmlab.rooms:ExploitDeferredEffects", {"split": "test"}, 60, True),
    "rooms_select_nonmatching_object": ("memory_bench.envs.dmlab.rooms:SelectNonmatchingObject", {}, 12, False),
    "rooms_watermaze": ("memory_bench.envs.dmlab.rooms:Watermaze", {}, 120, False),
    "rooms_keys_doors_puzzle": ("memory_bench.envs.dmlab.keys_doors:KeysDoorsPuzzle", {}, 60, False),
}


def _rooms_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"DMLab-{name}-v0", family="DMLab-Rooms", kwargs=dict(kwargs),
                 max_episode_steps=int(round(seconds * 60)) // 4, entry_point=entry, vector_entry_point=None,
                 hold_out=hold_out)
        for name, (entry, kwargs, seconds, hold_out) in ROOMS_LEVELS.items()
    ]


#: DMLab-30's language levels: name -> episode seconds.
LANGUAGE_LEVELS: dict[str, float] = {
    "select_described_object": 60, "select_located_object": 120,
    "execute_random_task": 120, "answer_quantitative_question": 60,
}
LANGUAGE_ENTRY_POINT = "memory_bench.envs.dmlab.language:LanguageEnv"


def _language_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"DMLab-language_{name}-v0", family="DMLab-Language", kwargs={"level": name},
                 max_episode_steps=int(round(seconds * 60)) // 4, entry_point=LANGUAGE_ENTRY_POINT,
                 vector_entry_point=None)
        for name, seconds in LANGUAGE_LEVELS.items()
    ]


SKYMAZE_ENTRY_POINT = "memory_bench.envs.dmlab.skymaze:SkyMaze"


def _skymaze_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"DMLab-skymaze_{name}-v0", family="DMLab-SkyMaze", kwargs={"level": name},
                 max_episode_steps=60 * 60 // 4, entry_point=SKYMAZE_ENTRY_POINT, vector_entry_point=None)
        for name in ("irreversible_path_hard", "irreversible_path_varied")
    ]


NATLAB_ENTRY_POINT = "memory_bench.envs.dmlab.natlab:NatLab"


def _natlab_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"DMLab-natlab_{name}-v0", family="DMLab-NatLab", kwargs={"level": name},
                 max_episode_steps=120 * 60 // 4, entry_point=NATLAB_ENTRY_POINT, vector_entry_point=None)
        for name in ("fixed_large_map", "varying_map_regrowth", "varying_map_randomized")
    ]


LASERTAG_ENTRY_POINT = "memory_bench.envs.dmlab.lasertag:LaserTag"


def _lasertag_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"DMLab-lasertag_{name}-v0", family="DMLab-LaserTag", kwargs={"level": name},
                 max_episode_steps=240 * 60 // 4, entry_point=LASERTAG_ENTRY_POINT, vector_entry_point=None)
        for name in ("one_opponent_small", "three_opponents_small", "one_opponent_large", "three_opponents_large")
    ]


GOAL_ARENA_ENTRY_POINT = "memory_bench.envs.memory_suite.goal_arena:GoalArena"


def _unity_entries(family: str, entry_point: str, tasks: tuple[str, ...]) -> list[EnvEntry]:
    """The ids of Memory Task Suite Unity tasks: every task in every split."""
    return [
        EnvEntry(id=f"MemoryTasks-{task}_{split}-v0", family=family, kwargs={"task": task, "split": split},
                 max_episode_steps=120 * 60 // 4, entry_point=entry_point, vector_entry_point=None)
        for task in tasks for split in goal_arena.SPLITS
    ]


SPOT_DIFF_ENTRY_POINT = "memory_bench.envs.memory_suite.spot_diff:SpotDiff"
TRANSITIVE_ENTRY_POINT = "memory_bench.envs.memory_suite.transitive:TransitiveInference"


def _transitive_entries() -> list[EnvEntry]:
    return [
        EnvEntry(id=f"MemoryTasks-transitive_inference_{split}-v0", family="MemoryTasks-TransitiveInference",
                 kwargs={"split": split}, max_episode_steps=120 * 60 // 4, entry_point=TRANSITIVE_ENTRY_POINT,
                 vector_entry_point=None)
        for split in transitive.SPLITS
    ]


def hold_out_kwargs(env_id: str) -> dict[str, Any]:
    """``{"allow_hold_out_levels": True}`` for a hold-out id (DMLab's test levels, which
    refuse to load without it), else ``{}``: for evaluation tools that make any id."""
    entry = ENVS.get(env_id)
    return {"allow_hold_out_levels": True} if entry is not None and entry.hold_out else {}


#: Every env id of the package, by id.
ENVS: dict[str, EnvEntry] = {
    e.id: e for e in _memory_maze_entries() + _alchemy_entries() + _psychlab_entries() + _explore_entries()
    + _rooms_entries() + _language_entries() + _skymaze_entries() + _natlab_entries() + _lasertag_entries()
    + _unity_entries("MemoryTasks-GoalNavigation", GOAL_ARENA_ENTRY_POINT, goal_arena.TASKS)
    + _unity_entries("MemoryTasks-SpotDiff", SPOT_DIFF_ENTRY_POINT, spot_diff.TASKS)
    + _transitive_entries()
}


def families() -> dict[str, list[str]]:
    """Registered ids grouped by task family."""
    out: dict[str, list[str]] = {}
    for entry in ENVS.values():
        out.setdefault(entry.family, []).append(entry.id)
    return out


def register_all() -> None:
    """Registers every id of :data:`ENVS` with gymnasium (idempotent)."""
    for entry in ENVS.values():
        if entry.id in gym.registry:
            continue
        gym.register(
            id=entry.id,
            entry_point=entry.entry_point,
            vector_entry_point=entry.vector_entry_point,
            kwargs=dict(entry.kwargs),
            max_episode_steps=entry.max_episode_steps,
        )
