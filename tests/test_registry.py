"""Every registered id: present, generated from the table, and valid per gymnasium's checker."""

import warnings

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import memory_bench
from memory_bench.envs.alchemy.chemistry import LEVELS as ALCHEMY_LEVELS
from memory_bench.registry import ENVS, hold_out_kwargs, MEMORY_MAZE_VARIANTS, families

SIZES = ("9x9", "11x11", "13x13", "15x15")
ORIGINAL_VARIANTS = (
    "", "-Vis", "-HD", "-Top", "-ExtraObs", "-ExtraObs-Vis", "-ExtraObs-Top", "-Oracle", "-Oracle-Top",
    "-Oracle-ExtraObs", "-HiFreq", "-HiFreq-Vis", "-HiFreq-HD", "-6CL", "-6CL-Top", "-6CL-ExtraObs",
)


def test_every_original_id_is_registered():
    expected = {f"MemoryMaze-{s}{v}-v0" for s in SIZES for v in ORIGINAL_VARIANTS}
    assert expected == set(families()["MemoryMaze"])
    assert len(MEMORY_MAZE_VARIANTS) == 16
    alchemy = {f"Alchemy-{level}-v0" for level in ALCHEMY_LEVELS}
    assert "Alchemy-perceptual_mapping_randomized_with_rotation_and_random_bottleneck-v0" in alchemy
    assert alchemy == set(families()["Alchemy"])
    dmlab = {
        f"DMLab-psychlab_{t}-v0"
        for t in ("arbitrary_visuomotor_mapping", "continuous_recognition", "sequential_comparison", "visual_search")
    }
    splits = ("train", "holdout_interpolate", "holdout_extrapolate", "interpolate", "extrapolate", "holdout_small", "holdout_large")
    tasks = ("arbitrary_visuomotor_mapping", "change_detection", "continuous_recognition", "what_then_where")
    suite = {f"MemoryTasks-{t}_{s}-v0" for t in tasks for s in splits}
    assert dmlab == set(families()["DMLab-PsychLab"]) and suite == set(families()["MemoryTasks-PsychLab"])
    explore = {
        f"DMLab-explore_{t}_{s}-v0"
        for t, sizes in (("goal_locations", ("small", "large")), ("object_locations", ("small", "large")),
                         ("obstructed_goals", ("small", "large")), ("object_rewards", ("few", "many")))
        for s in sizes
    }
    suite_explore = {f"MemoryTasks-explore_goal_locations_{s}-v0" for s in ("train_small", "train_large") + splits[1:]}
    assert explore == set(families()["DMLab-Explore"]) and suite_explore == set(families()["MemoryTasks-Explore"])
    rooms = {f"DMLab-rooms_{t}-v0" for t in (
        "collect_good_objects_train", "collect_good_objects_test", "exploit_deferred_effects_train",
        "exploit_deferred_effects_test", "select_nonmatching_object", "watermaze", "keys_doors_puzzle")}
    assert rooms == set(families()["DMLab-Rooms"])
    language = {f"DMLab-language_{t}-v0" for t in (
        "select_described_object", "select_located_object", "execute_random_task", "answer_quantitative_question")}
    assert language == set(families()["DMLab-Language"])
    skymaze = {f"DMLab-skymaze_irreversible_path_{t}-v0" for t in ("hard", "varied")}
    assert skymaze == set(families()["DMLab-SkyMaze"])
    natlab = {f"DMLab-natlab_{t}-v0" for t in ("fixed_large_map", "varying_map_regrowth", "varying_map_randomized")}
    assert natlab == set(families()["DMLab-NatLab"])
    lasertag = {f"DMLab-lasertag_{t}-v0" for t in ("one_opponent_small", "three_opponents_small", "one_opponent_large",
                                                    "three_opponents_large")}
    assert lasertag == set(families()["DMLab-LaserTag"])
    goal_nav = {f"MemoryTasks-{t}_{s}-v0" for t in ("invisible_goal_empty_arena", "invisible_goal_with_buildings",
                                                      "visible_goal_with_buildings")
                for s in ("train", "holdout_interpolate", "holdout_extrapolate", "interpolate", "extrapolate",
                          "holdout_small", "holdout_large")}
    assert goal_nav == set(families()["MemoryTasks-GoalNavigation"])
    spot_diff = {f"MemoryTasks-{t}_{s}-v0" for t in ("spot_diff", "spot_diff_motion", "spot_diff_multi", "spot_diff_passive")
                 for s in ("train", "holdout_interpolate", "holdout_extrapolate", "interpolate", "extrapolate",
                           "holdout_small", "holdout_large")}
    assert spot_diff == set(families()["MemoryTasks-SpotDiff"])
    transitive = {f"MemoryTasks-transitive_inference_{s}-v0" for s in (
        "train_small", "train_large", "holdout_interpolate", "holdout_extrapolate", "interpolate", "extrapolate",
        "holdout_small", "holdout_large")}
    assert transitive == set(families()["MemoryTasks-TransitiveInference"])
    assert {i for i, e in ENVS.items() if e.hold_out} == {
        "DMLab-rooms_collect_good_objects_test-v0", "DMLab-rooms_exploit_deferred_effects_test-v0"}
    assert set(ENVS) == expected | alchemy | dmlab | suite | explore | suite_explore | rooms | language | skymaze | natlab | lasertag | goal_nav | spot_diff | transitive
    assert list(families()) == ["MemoryMaze", "Alchemy", "DMLab-PsychLab", "MemoryTasks-PsychLab", "DMLab-Explore",
                                "MemoryTasks-Explore", "DMLab-Rooms", "DMLab-Language", "DMLab-SkyMaze",
                                "DMLab-NatLab", "DMLab-LaserTag", "MemoryTasks-GoalNavigation",
                                "MemoryTasks-SpotDiff", "MemoryTasks-TransitiveInference"]
    for env_id in expected | alchemy | dmlab | suite | explore | suite_explore | rooms | language | skymaze | natlab | lasertag | goal_nav | spot_diff | transitive:
        assert f"memory_bench:{env_id}".split(":")[1] in gym.registry


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_check_env(env_id):
    """gymnasium's own checker on every id (episodes shortened by max_episode_steps)."""
    alchemy = ENVS[env_id].family == "Alchemy"
    env = gym.make(f"memory_bench:{env_id}", render_mode="ansi" if alchemy else "rgb_array", max_episode_steps=20,
                   **hold_out_kwargs(env_id))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_env(env.unwrapped)
    messages = [str(w.message) for w in caught if "memory_bench" in str(w.filename) or "env_checker" in str(w.filename)]
    assert not messages, messages
    if alchemy:
        assert env.unwrapped.level.name == ENVS[env_id].kwargs["level"]
        assert env.unwrapped.action_space == gym.spaces.Discrete(40)
        assert env.unwrapped.observation_space.shape == (39,)
        env.close()
        return
    if "PsychLab" in ENVS[env_id].family:
        base = env.unwrapped
        kwargs = ENVS[env_id].kwargs
        assert base.observation_space.shape == (64, 64, 3) and base.action_space == gym.spaces.Discrete(11)
        assert base.episode_frames == kwargs["episode_frames"] and base.max_trials == kwargs["max_trials"]
        assert base.max_frames_off_screen == (300 if env_id.startswith("MemoryTasks") else -1)
        assert ENVS[env_id].max_episode_steps == base.max_steps == gym.spec(env_id).max_episode_steps
        env.close()
        return
    if "Explore" in ENVS[env_id].family:
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3) and base.action_space == gym.spaces.Discrete(9)
        small = env_id.endswith(("_small-v0", "_few-v0")) and env_id.startswith("DMLab")
        assert base.max_steps == (1350 if small else 1800) == ENVS[env_id].max_episode_steps
        env.close()
        return
    if ENVS[env_id].family == "DMLab-Rooms":
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3) and base.action_space == gym.spaces.Discrete(9)
        seconds = {"select_nonmatching_object": 12, "watermaze": 120}.get(env_id[len("DMLab-rooms_"):-3], 60)
        assert base.max_steps == seconds * 15 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        env.close()
        if ENVS[env_id].hold_out:
            with pytest.raises(ValueError, match="allow_hold_out_levels=True"):
                gym.make(f"memory_bench:{env_id}")
        return
    if ENVS[env_id].family == "DMLab-SkyMaze":
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3) and base.action_space == gym.spaces.Discrete(9)
        assert base.max_steps == 900 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        assert base.difficulty == (0.9 if env_id.endswith("hard-v0") else None)
        env.close()
        return
    if ENVS[env_id].family in ("MemoryTasks-GoalNavigation", "MemoryTasks-SpotDiff", "MemoryTasks-TransitiveInference"):
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3)
        assert base.action_space == gym.spaces.Box(-1.0, 1.0, (4,), np.float32)
        assert base.max_steps == 1800 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        env.close()
        return
    if ENVS[env_id].family == "DMLab-LaserTag":
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3) and base.action_space == gym.spaces.Discrete(9)
        assert base.max_steps == 3600 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        assert base.bot_skill == 4.0 and len(base.players) == 1 + (3 if "three" in env_id else 1)
        env.close()
        return
    if ENVS[env_id].family == "DMLab-NatLab":
        base = env.unwrapped
        assert base.observation_space.shape == (72, 96, 3) and base.action_space == gym.spaces.Discrete(9)
        assert base.max_steps == 1800 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        env.close()
        return
    if ENVS[env_id].family == "DMLab-Language":
        base = env.unwrapped
        assert set(base.observation_space) == {"image", "INSTR"} and base.action_space == gym.spaces.Discrete(9)
        assert base.observation_space["image"].shape == (72, 96, 3)
        assert isinstance(base.observation_space["INSTR"], gym.spaces.Text)
        seconds = 60 if env_id.endswith(("described_object-v0", "question-v0")) else 120
        assert base.max_steps == seconds * 15 == ENVS[env_id].max_episode_steps == gym.spec(env_id).max_episode_steps
        env.close()
        return
    # The variant keywords reach the env and mean what the original meant.
    base = env.unwrapped
    kwargs = ENVS[env_id].kwargs
    obs_space = base.observation_space
    image_space = obs_space["image"] if isinstance(obs_space, gym.spaces.Dict) else obs_space
    assert image_space.shape == ((256, 256, 3) if kwargs.get("camera_resolution") == 256 else (64, 64, 3))
    assert isinstance(obs_space, gym.spaces.Dict) == bool(kwargs.get("extra_obs"))
    assert base.n_substeps == (5 if "HiFreq" in env_id else 50)
    assert ENVS[env_id].max_episode_steps == base.max_steps == gym.spec(env_id).max_episode_steps
    env.close()


def test_unknown_id_names_the_id():
    with pytest.raises(gym.error.Error, match="MemoryMaze-10x10"):
        gym.make("memory_bench:MemoryMaze-10x10-v0")


def test_version():
    assert isinstance(memory_bench.__version__, str) and memory_bench.__version__.count(".") == 2


@pytest.mark.parametrize("env_id", ["MemoryMaze-9x9-v0", "MemoryMaze-9x9-ExtraObs-v0"])
def test_spaces_sample_and_contain(env_id):
    env = gym.make(f"memory_bench:{env_id}")
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    assert env.action_space == gym.spaces.Discrete(6)
    env.close()
    assert np.all(np.asarray(env.observation_space.sample()["image"] if isinstance(obs, dict) else env.observation_space.sample()) >= 0)
