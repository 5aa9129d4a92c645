"""The PsychLab level table: every DMLab-30 and Memory Task Suite PsychLab level.

Naming scheme of the package for DeepMind Lab tasks (this one and every later one):

* ``DMLab-<dmlab30 level name>-v0`` for a DMLab-30 level, the name exactly as in
  DeepMind Lab's ``contributed/dmlab30`` directory
  (``DMLab-psychlab_visual_search-v0``);
* ``MemoryTasks-<task>_<split>-v0`` for a Memory Task Suite level, the level name
  exactly as in ``dm_memorytasks`` / DeepMind Lab's ``memory_suite_01``
  (``MemoryTasks-change_detection_holdout_extrapolate-v0``).

Memory Task Suite splits: ``train``, ``holdout_interpolate`` and
``holdout_extrapolate`` (the paper's three), and the extra ``interpolate`` /
``extrapolate`` (training stimuli at the holdout scales) and ``holdout_small`` /
``holdout_large`` (holdout stimuli at the training scales). DeepMind Lab's
``memory_suite_01`` directory has level files for the paper's three splits only of
the four PsychLab tasks (the extra four exist there for ``explore_goal_locations``),
so the PsychLab extras are built from the spec's definition of the splits. Our
reading of "the training scales" for the two extra holdout levels: where the training level has a
set of scale values (delays), ``holdout_small`` takes its lower half and
``holdout_large`` its upper half; where it has one value (trials per episode),
both use it and are the same level.

``what_then_where_holdout_extrapolate`` has no level file in DeepMind Lab (spec 2.12,
unverified): we use delays {256, 512} frames, the next powers of two after the
training delays {4, 8, 32, 128} whose gaps {16, 64} are the interpolation set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_TASKS = "memory_bench.envs.psychlab.tasks"

AVM = f"{_TASKS}.visuomotor:ArbitraryVisuomotorMapping"
CR = f"{_TASKS}.recognition:ContinuousRecognition"
SEQ = f"{_TASKS}.comparison:SequentialComparison"
CD = f"{_TASKS}.comparison:ChangeDetection"
VS = f"{_TASKS}.search:VisualSearch"
WTW = f"{_TASKS}.what_then_where:WhatThenWhere"

FRAMES_PER_STEP = 4
OFF_SCREEN = 300


@dataclass(frozen=True)
class Level:
    """One level: the task class (entry point) and its keyword arguments."""

    name: str
    entry_point: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def max_episode_steps(self) -> int:
        return -(-self.kwargs["episode_frames"] // FRAMES_PER_STEP)


def _dmlab30() -> list[Level]:
    return [
        Level("psychlab_arbitrary_visuomotor_mapping", AVM, dict(stimuli="all", episode_frames=18000, max_trials=60)),
        Level("psychlab_continuous_recognition", CR, dict(stimuli="all", episode_frames=18000, max_trials=60)),
        Level("psychlab_sequential_comparison", SEQ, dict(episode_frames=18000, max_trials=60)),
        Level("psychlab_visual_search", VS, dict(episode_frames=9000, max_trials=80)),
    ]


# (stimuli, scale) per split; scales per task below.
_SPLITS = {
    "train": ("train", "train"),
    "holdout_interpolate": ("holdout", "interpolate"),
    "holdout_extrapolate": ("holdout", "extrapolate"),
    "interpolate": ("train", "interpolate"),
    "extrapolate": ("train", "extrapolate"),
    "holdout_small": ("holdout", "small"),
    "holdout_large": ("holdout", "large"),
}

# Trials-per-episode scale (arbitrary_visuomotor_mapping, continuous_recognition).
_TRIAL_SCALES = {
    "train": dict(max_trials=50, episode_frames=18000),
    "interpolate": dict(max_trials=40, episode_frames=18000),
    "extrapolate": dict(max_trials=75, episode_frames=27000),
    "small": dict(max_trials=50, episode_frames=18000),
    "large": dict(max_trials=50, episode_frames=18000),
}

_CD_DELAYS = {
    "train": (2, 4, 8, 64, 128),
    "interpolate": (16, 32),
    "extrapolate": (130, 150, 200, 250),
    "small": (2, 4, 8),
    "large": (64, 128),
}

_WTW_DELAYS = {
    "train": (4, 8, 32, 128),
    "interpolate": (16, 64),
    "extrapolate": (256, 512),
    "small": (4, 8),
    "large": (32, 128),
}


def _memory_suite() -> list[Level]:
    levels = []
    for split, (stimuli, scale) in _SPLITS.items():
        common = dict(max_frames_off_screen=OFF_SCREEN)
        levels += [
            Level(f"arbitrary_visuomotor_mapping_{split}", AVM, dict(stimuli=stimuli, **_TRIAL_SCALES[scale], **common)),
            Level(f"continuous_recognition_{split}", CR, dict(stimuli=stimuli, **_TRIAL_SCALES[scale], **common)),
            Level(
                f"change_detection_{split}",
                CD,
                dict(stimuli=stimuli, delays=_CD_DELAYS[scale], max_trials=50, episode_frames=18000, **common),
            ),
            Level(
                f"what_then_where_{split}",
                WTW,
                dict(stimuli=stimuli, delays=_WTW_DELAYS[scale], max_trials=50, episode_frames=36000, **common),
            ),
        ]
    return levels


#: DMLab-30 PsychLab levels by DMLab-30 name.
DMLAB30_LEVELS: dict[str, Level] = {lv.name: lv for lv in _dmlab30()}
#: Memory Task Suite PsychLab levels by level name.
MEMORY_SUITE_LEVELS: dict[str, Level] = {lv.name: lv for lv in _memory_suite()}
