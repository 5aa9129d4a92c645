"""PsychLab levels against the spec: the level table, reference scores, docstrings,
spawn heading, the off-screen rule, argument errors, delays drawn on the registered
levels, and the vector entry point of every task."""

import gymnasium as gym
import numpy as np
import pytest

import memory_bench  # noqa: F401
from memory_bench.agents.psychlab import PsychLabOracle
from memory_bench.envs.psychlab.base import ACTION_NAMES
from memory_bench.envs.psychlab.tasks.comparison import CD_COLORS, ChangeDetection, SequentialComparison
from memory_bench.envs.psychlab.tasks.recognition import ContinuousRecognition
from memory_bench.envs.psychlab.tasks.search import VisualSearch
from memory_bench.envs.psychlab.tasks.visuomotor import ArbitraryVisuomotorMapping
from memory_bench.envs.psychlab.tasks.what_then_where import WhatThenWhere
from memory_bench.envs.psychlab.view import angles_for
from memory_bench.registry import ENVS

WAIT = ACTION_NAMES.index("fire")
CLASSES = (ArbitraryVisuomotorMapping, ContinuousRecognition, SequentialComparison, VisualSearch, ChangeDetection,
           WhatThenWhere)
SPLITS = ("train", "holdout_interpolate", "holdout_extrapolate", "interpolate", "extrapolate", "holdout_small",
          "holdout_large")

# -- the spec's values, written out (sections 1.21-1.24, 2.9-2.12, 3) --------------------

#: DMLab-30: (class, episode frames, trial cap, human, random).
DMLAB30 = {
    "psychlab_arbitrary_visuomotor_mapping": (ArbitraryVisuomotorMapping, 18000, 60, 58.75, 0.163),
    "psychlab_continuous_recognition": (ContinuousRecognition, 18000, 60, 58.3, 0.224),
    "psychlab_sequential_comparison": (SequentialComparison, 18000, 60, 39.5, 0.129),
    "psychlab_visual_search": (VisualSearch, 9000, 80, 78.5, 0.085),
}
#: Memory Task Suite stimulus set per split.
STIMULI = {"train": "train", "holdout_interpolate": "holdout", "holdout_extrapolate": "holdout",
           "interpolate": "train", "extrapolate": "train", "holdout_small": "holdout", "holdout_large": "holdout"}
#: Trials-per-episode scale (2.9, 2.11): (trials, frames); holdout_small / _large are the
#: training scale (one value, so both equal the training level: our reading).
TRIALS = {"train": (50, 18000), "holdout_interpolate": (40, 18000), "holdout_extrapolate": (75, 27000),
          "interpolate": (40, 18000), "extrapolate": (75, 27000), "holdout_small": (50, 18000),
          "holdout_large": (50, 18000)}
#: Delay scales (2.10, 2.12); holdout_small / _large: the lower / upper half of the
#: training delays, and what_then_where's extrapolation set: our choices (README, levels.py).
CD_DELAYS = {"train": (2, 4, 8, 64, 128), "holdout_interpolate": (16, 32), "holdout_extrapolate": (130, 150, 200, 250),
             "interpolate": (16, 32), "extrapolate": (130, 150, 200, 250), "holdout_small": (2, 4, 8),
             "holdout_large": (64, 128)}
WTW_DELAYS = {"train": (4, 8, 32, 128), "holdout_interpolate": (16, 64), "holdout_extrapolate": (256, 512),
              "interpolate": (16, 64), "extrapolate": (256, 512), "holdout_small": (4, 8), "holdout_large": (32, 128)}


def make(level: str, **kwargs):
    return gym.make(f"memory_bench:{level}", **kwargs)


def test_dmlab30_levels_follow_the_spec():
    for name, (cls, frames, trials, human, random_) in DMLAB30.items():
        env = make(f"DMLab-{name}-v0").unwrapped
        assert type(env) is cls
        assert (env.episode_frames, env.max_trials, env.max_frames_off_screen) == (frames, trials, -1)
        assert (env.human_score, env.random_score) == (human, random_)
        if cls in (ArbitraryVisuomotorMapping, ContinuousRecognition):
            assert env.stimuli == "all" and len(env.pool) == 2400
        if cls is SequentialComparison:
            assert env.delays == (8, 16, 32, 64, 128, 256)


@pytest.mark.parametrize("split", SPLITS)
def test_memory_suite_levels_follow_the_spec(split):
    stimuli = STIMULI[split]
    parity = 0 if stimuli == "train" else 1
    for task, cls in (("arbitrary_visuomotor_mapping", ArbitraryVisuomotorMapping),
                      ("continuous_recognition", ContinuousRecognition)):
        env = make(f"MemoryTasks-{task}_{split}-v0").unwrapped
        assert type(env) is cls and env.stimuli == stimuli
        assert len(env.pool) == 1200 and (env.pool % 2 == parity).all()
        assert (env.max_trials, env.episode_frames, env.max_frames_off_screen) == (*TRIALS[split], 300)
        assert env.human_score is None and env.random_score is None
    env = make(f"MemoryTasks-change_detection_{split}-v0").unwrapped
    assert type(env) is ChangeDetection and env.stimuli == stimuli and env.colors == CD_COLORS[stimuli]
    assert env.delays == CD_DELAYS[split]
    assert (env.max_trials, env.episode_frames, env.max_frames_off_screen) == (50, 18000, 300)
    env = make(f"MemoryTasks-what_then_where_{split}-v0").unwrapped
    assert type(env) is WhatThenWhere and env.stimuli == stimuli and env.delays == WTW_DELAYS[split]
    assert (env.max_trials, env.episode_frames, env.max_frames_off_screen) == (50, 36000, 300)
    assert env.human_score is None and env.random_score is None


def test_every_psychlab_id_is_in_the_table():
    ids = {i for i, e in ENVS.items() if "PsychLab" in e.family}
    expected = {f"DMLab-{n}-v0" for n in DMLAB30}
    tasks = ("arbitrary_visuomotor_mapping", "continuous_recognition", "change_detection", "what_then_where")
    expected |= {f"MemoryTasks-{t}_{s}-v0" for t in tasks for s in SPLITS}
    assert ids == expected


@pytest.mark.parametrize("cls", CLASSES)
def test_docstrings_in_gymnasium_style_with_the_reference_scores(cls):
    doc = cls.__doc__
    sections = ("Description", "Action Space", "Observation Space", "Rewards", "Starting State", "Episode End",
                "Arguments", "Reference scores", "Version History")
    positions = [doc.index(f"## {s}\n") for s in sections]
    assert positions == sorted(positions)
    reference = " ".join(doc[doc.index("## Reference scores"):doc.index("## Version History")].split())
    if cls.human_score is not None:
        assert f"human {cls.human_score:g}" in reference and f"random {cls.random_score:g}" in reference
    if cls in (ChangeDetection, WhatThenWhere, ArbitraryVisuomotorMapping, ContinuousRecognition):
        assert "2.14" in reference  # the Memory Task Suite's scores: unverified in the spec


def test_picture_task_reference_scores_follow_the_stimulus_set():
    assert ArbitraryVisuomotorMapping().human_score == 58.75
    assert ArbitraryVisuomotorMapping(stimuli="train").human_score is None
    assert ContinuousRecognition(stimuli="holdout").random_score is None
    assert ContinuousRecognition.random_score == 0.224  # the class keeps the DMLab-30 level's


# -- starting state ----------------------------------------------------------------------


def test_spawn_heading_is_uniform_in_plus_minus_22_5_degrees():
    env = ContinuousRecognition()
    yaws = []
    for seed in range(200):
        env.reset(seed=seed)
        assert env.gaze.pitch == 0.0
        yaws.append(env.gaze.yaw)
    yaws = np.array(yaws)
    assert yaws.min() >= -22.5 and yaws.max() <= 22.5
    assert yaws.min() < -20 and yaws.max() > 20 and abs(yaws.mean()) < 3
    env = ContinuousRecognition(spawn_yaw_range=0)
    env.reset(seed=3)
    assert env.gaze.yaw == 0.0
    wide = ContinuousRecognition(spawn_yaw_range=90)
    assert max(abs(wide.reset(seed=s)[1]["gaze"][0] - 0.5) for s in range(40)) > 0.4  # +-45: to the screen's edge


# -- the off-screen rule -----------------------------------------------------------------


def test_off_screen_rule_counts_consecutive_frames_only():
    env = make("MemoryTasks-continuous_recognition_train-v0")
    base = env.unwrapped
    env.reset(seed=0)
    base.gaze.yaw = 120.0  # far off the screen
    for _ in range(74):  # 296 frames off
        assert not any(env.step(WAIT)[2:4])
    assert base.frames_off_screen == 296
    base.gaze.yaw, base.gaze.pitch = angles_for(0.05, 0.05)  # back on the screen (a corner) for a step
    _, _, terminated, _, info = env.step(WAIT)
    assert not terminated and info["on_screen"] and base.frames_off_screen == 0
    base.gaze.yaw, base.gaze.pitch = 120.0, 0.0
    for _ in range(74):
        assert not any(env.step(WAIT)[2:4])
    _, _, terminated, truncated, info = env.step(WAIT)  # frame 300 off the screen
    assert terminated and not truncated and info["end_reason"] == "off_screen"


def test_off_screen_rule_can_be_set_and_disabled():
    env = ContinuousRecognition(max_frames_off_screen=8)
    env.reset(seed=0)
    env.gaze.yaw = 120.0
    assert not env.step(WAIT)[2] and env.step(WAIT)[2]
    env = make("MemoryTasks-what_then_where_train-v0", max_frames_off_screen=-1)
    env.reset(seed=0)
    env.unwrapped.gaze.yaw = 120.0
    assert not any(any(env.step(WAIT)[2:4]) for _ in range(100))


# -- argument errors name the bad value and what is allowed ------------------------------


@pytest.mark.parametrize(
    "cls, kwargs, match",
    [
        (ContinuousRecognition, dict(resolution=4), r"between 8 and 2048 pixels, got 4"),
        (ContinuousRecognition, dict(resolution=(64,)), r"int or \(height, width\), got \(64,\)"),
        (ContinuousRecognition, dict(view="top"), r"\['first_person', 'screen'\], got 'top'"),
        (ContinuousRecognition, dict(action_type="mouse"), r"'discrete' or 'continuous', got 'mouse'"),
        (ContinuousRecognition, dict(look_rate=0), r"positive number of pixels per frame, got 0"),
        (ContinuousRecognition, dict(spawn_yaw_range=400), r"\[0, 360\] degrees, got 400"),
        (ContinuousRecognition, dict(episode_frames=0), r"episode_frames must be a positive int, got 0"),
        (ContinuousRecognition, dict(max_trials=2.5), r"max_trials must be a positive int, got 2.5"),
        (ContinuousRecognition, dict(max_frames_off_screen=0), r"-1 \(off\) or a positive int, got 0"),
        (ContinuousRecognition, dict(max_frames_off_screen=2.5), r"-1 \(off\) or a positive int, got 2.5"),
        (ContinuousRecognition, dict(render_mode="human"), r"\['rgb_array'\], got 'human'"),
        (ArbitraryVisuomotorMapping, dict(stimuli="odd"), r"\['all', 'train', 'holdout'\], got 'odd'"),
        (ChangeDetection, dict(stimuli="all"), r"\['train', 'holdout'\], got 'all'"),
        (WhatThenWhere, dict(stimuli="all"), r"\['train', 'holdout'\], got 'all'"),
        (VisualSearch, dict(search_mode="colour"), r"\['interleaved', 'color', 'shape', 'conjunction'\], got 'colour'"),
        (SequentialComparison, dict(delays=(8, 0)), r"positive ints.*0"),
        (WhatThenWhere, dict(delays=()), r"non-empty sequence of positive ints"),
    ],
)
def test_bad_arguments_name_the_value_and_what_is_allowed(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


# -- delays drawn from the registered level's set ----------------------------------------


@pytest.mark.parametrize("task, delays", [("change_detection", CD_DELAYS), ("what_then_where", WTW_DELAYS)])
def test_registered_levels_draw_delays_from_their_split(task, delays):
    """The oracle plays three trials of every split; each trial's delays are in the set."""
    for split in ("train", "holdout_interpolate", "holdout_extrapolate"):
        env = make(f"MemoryTasks-{task}_{split}-v0", max_trials=3)
        oracle = PsychLabOracle(env)
        env.reset(seed=1)
        oracle.reset()
        seen, total = set(), 0.0
        while True:
            _, r, terminated, truncated, info = env.step(oracle.act())
            total += r
            if info["delay"] != -1:
                seen.add(info["delay"])
                seen.add(info.get("delay2", info["delay"]))
            if terminated or truncated:
                break
        assert total == 3 and info["end_reason"] == "max_trials"
        assert seen and seen <= set(delays[split]), (split, seen)


# -- vector entry points -----------------------------------------------------------------


@pytest.mark.parametrize(
    "env_id",
    [
        "DMLab-psychlab_arbitrary_visuomotor_mapping-v0",
        "DMLab-psychlab_sequential_comparison-v0",
        "DMLab-psychlab_visual_search-v0",
        "MemoryTasks-change_detection_holdout_interpolate-v0",
        "MemoryTasks-what_then_where_train-v0",
    ],
)
def test_vector_entry_point_of_every_task_matches_sync(env_id):
    actions = [ACTION_NAMES.index(a) for a in ("look_left", "look_up", "look_right")]
    frames = {}
    for mode in ("sync", "vector_entry_point"):
        envs = gym.make_vec(f"memory_bench:{env_id}", num_envs=2, vectorization_mode=mode)
        obs, _ = envs.reset(seed=3)
        out = [obs]
        for a in actions:
            obs, rew, term, trunc, info = envs.step(np.array([a, a]))
            out.append(obs)
            assert rew.shape == (2,) and set(info) >= {"trial", "correct_answer", "set_size", "delay"}
        frames[mode] = np.stack(out)
        envs.close()
    assert frames["sync"].shape == (4, 2, 64, 64, 3)
    assert np.array_equal(frames["sync"], frames["vector_entry_point"])
