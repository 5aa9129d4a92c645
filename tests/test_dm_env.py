"""The dm_env view, and the round trip back to Gymnasium through shimmy's converters."""

import warnings

import numpy as np
import pytest

dm_env = pytest.importorskip("dm_env", reason="the dm_env view needs dm-env")
pytest.importorskip("shimmy", reason="the round trip needs shimmy")

from gymnasium.utils.env_checker import check_env  # noqa: E402

from memory_bench.dm_env_view import DmEnvView, GymFromDmEnv, make_dm_env  # noqa: E402
from memory_bench.registry import ENVS, hold_out_kwargs  # noqa: E402


@pytest.mark.parametrize("env_id", sorted(ENVS))
def test_round_trip_passes_check_env(env_id):
    # shimmy has no gymnasium space for a StringArray: the language ids go by tokens here
    text = {"instruction": "tokens"} if ENVS[env_id].family == "DMLab-Language" else {}
    env = GymFromDmEnv(make_dm_env(env_id, max_episode_steps=20, **hold_out_kwargs(env_id), **text))
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=UserWarning)
        warnings.filterwarnings("ignore", message=".*render_mode.*")  # the view does not render
        check_env(env, skip_render_check=True)
    env.close()


def test_view_time_steps_and_specs():
    env = make_dm_env("MemoryMaze-9x9-ExtraObs-v0", seed=3, max_episode_steps=4)
    assert isinstance(env, DmEnvView) and isinstance(env, dm_env.Environment)
    spec = env.observation_spec()
    assert spec["image"].shape == (64, 64, 3) and spec["maze_layout"].dtype == np.uint8
    assert env.action_spec().num_values == 6
    assert env.control_timestep() == pytest.approx(0.25)
    ts = env.reset()
    assert ts.first() and ts.reward is None
    kinds = [env.step(1) for _ in range(4)]
    assert all(t.mid() for t in kinds[:3])
    assert kinds[3].last() and kinds[3].discount == 1.0  # a time limit is a truncation
    assert env.step(1).first()  # stepping after the end starts a new episode
    spec["agent_pos"].validate(kinds[0].observation["agent_pos"])


def test_seeded_views_replay_the_same_episodes():
    a = make_dm_env("MemoryMaze-9x9-v0", seed=7)
    b = make_dm_env("MemoryMaze-9x9-v0", seed=7)
    for _ in range(2):
        assert np.array_equal(a.reset().observation, b.reset().observation)
        for action in (1, 2, 1):
            assert np.array_equal(a.step(action).observation, b.step(action).observation)
