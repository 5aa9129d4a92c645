"""Symbolic Alchemy: the spec's test vectors (section 11), spaces, step rules, trials, belief state."""

import gymnasium as gym
import numpy as np
import pytest

import memory_bench  # noqa: F401
from memory_bench.envs.alchemy import AlchemyEnv
from memory_bench.envs.alchemy.belief import BeliefState
from memory_bench.envs.alchemy.chemistry import (
    COORDS,
    DIM_MAPS,
    EVALUATION_LEVEL,
    GRAPH_MASKS,
    LEVELS,
    STANDARD_LEVEL,
    all_graphs,
    graph_prior,
    index_of,
    parse_level,
)

T = 1 / 3

# seed: dim_map, dir_map, pos_dir, graph #, rotation, stones, rewards of actions 2,3,1,14,27,0
VECTORS = {
    0: ((2, 1, 0), (-1, -1, 1), (1, 1, 1), 106, 3, [(1, 1, -1), (1, 1, -1), (1, 1, 1)], [0, 0, 1, 1, 15, 0]),
    1: ((2, 0, 1), (1, -1, 1), (1, 1, -1), 106, 3, [(1, -1, -1), (1, 1, -1), (1, -1, 1)], [0, 0, -3, 1, 1, 0]),
    2: ((2, 1, 0), (-1, -1, -1), (1, 1, 1), 4, 2, [(1, 1, -1), (-1, 1, -1), (1, 1, -1)], [0, 0, -1, -1, 1, 0]),
    314: ((0, 2, 1), (-1, -1, -1), (1, -1, 1), 95, 2, [(-1, 1, -1), (-1, 1, 1), (-1, -1, -1)], None),
}
OBS0 = {
    0: [1, 1, 0, T, 0, 1, 1, 0, T, 0, 1, 0, 1, 1, 0],
    1: [1, -1, 0, -T, 0, 1, 0, 1, T, 0, 1, 0, -1, T, 0],
    2: [0, 1, -1, T, 0, -1, 1, 0, -T, 0, 0, 1, -1, T, 0],
}
COLOURS = {
    0: [T, -T, -2 * T, 0, -1, 2 * T, 2 * T, -1, 0, T, 2 * T, T],
    1: [-T, -T, 0, -1, -2 * T, -1, 0, 2 * T, -1, -2 * T, 2 * T, -1],
    2: [2 * T, 0, T, -T, -1, 0, -2 * T, -2 * T, -2 * T, -1, -T, -2 * T],
}
OBS0_314 = [-1, -1, 0, -T, 0, 0, -1, 1, T, 0, -1, 1, 0, -1, 0, 2 * T, 0, 2 * T, 0, -2 * T, 0, -2 * T, 0, T, 0, 0, 0,
            -2 * T, 0, 0, 0, -2 * T, 0, T, 0, 0, 0, -T, 0]
POTIONS_0 = [(0, 1), (1, 1), (2, 1), (1, -1), (2, -1), (0, -1), (0, -1), (2, -1), (1, -1), (0, 1), (0, -1), (0, 1)]


def make(**kwargs):
    return AlchemyEnv(STANDARD_LEVEL, **kwargs)


# ----------------------------------------------------------------------------- structure


def test_graph_enumeration_and_prior():
    graphs = all_graphs()
    assert len(graphs) == 109
    assert [sum(n == k for _, n in graphs) for k in range(4)] == [1, 12, 48, 48]
    assert graphs[108] == ((1 << 12) - 1, 0)
    assert graphs[0][1] == 3
    prior = graph_prior(range(109))
    assert prior[108] == 0.25 and prior[graphs.index(next(g for g in graphs if g[1] == 1))] == 1 / 48
    assert abs(prior.sum() - 1) < 1e-12
    assert parse_level("alchemy/all_fixed").graph_indices == (108,)


@pytest.mark.parametrize("seed", sorted(VECTORS))
def test_section_11_vectors(seed):
    dim_map, dir_map, pos_dir, graph, rotation, stones, rewards = VECTORS[seed]
    env = make()
    obs, info = env.reset(seed=seed)
    chem = env.chemistry
    assert chem.pmap.dim_map == dim_map and chem.pmap.dir_map == dir_map
    assert chem.pos_dir == pos_dir and GRAPH_MASKS.index(chem.graph) == graph and chem.rotation == rotation
    assert [COORDS[c] for c in env.stones] == stones
    assert obs.dtype == np.float32 and obs.shape == (39,)
    if seed == 314:
        np.testing.assert_array_equal(obs, np.array(OBS0_314, np.float32))
        obs, reward, *_ = env.step(2)
        np.testing.assert_array_equal(obs[:5], np.array([-1, 1, 0, -1, 0], np.float32))
        np.testing.assert_array_equal(obs[15:17], [1, 1])
        assert reward == 0.0
        return
    if seed == 0:
        assert [(p // 2, 2 * (p % 2) - 1) for p in env.potions] == POTIONS_0
    np.testing.assert_array_equal(obs[:15], np.array(OBS0[seed], np.float32))
    np.testing.assert_array_equal(obs[15::2], np.array(COLOURS[seed], np.float32))
    assert not obs[16::2].any()
    got = [env.step(a)[1] for a in (2, 3, 1, 14, 27, 0)]
    assert got == rewards and all(type(r) is float for r in got)


def test_ground_truth_seed_789_both_episodes():
    env = make(ground_truth_obs=True)
    obs, _ = env.reset(seed=789)
    # Spec 7.3 prints the first episode's stone map as [1, 1, 1]; the draw order of spec 8
    # gives stone map index 6 = (-1, +1, +1), and everything else (this episode's graph,
    # potion map and rotation, and the whole second episode) matches: we test the draw.
    assert np.random.RandomState(789).randint(0, 48) == 14
    np.testing.assert_array_equal(
        obs["ground_truth"],
        [1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 1, 0] + [0, 1, 0, 0, 0, 0] + [0, 1, 1] + [0, 1, 1] + [1, 0, 0, 0],
    )
    obs, _ = env.reset()  # the notebook's printed chemistry: the second reset of the stream
    np.testing.assert_array_equal(
        obs["ground_truth"],
        [1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 1, 0] + [0, 0, 0, 0, 1, 0] + [1, 0, 0] + [0, 0, 1] + [1, 0, 0, 0],
    )


def test_same_seed_same_episode_sequence():
    a, b = make(), make()
    a.reset(seed=5)
    b.reset(seed=5)
    rng = np.random.default_rng(0)
    for _ in range(450):  # through two episode ends
        act = int(rng.integers(0, 40))
        ra, rb = a.step(act), b.step(act)
        np.testing.assert_array_equal(ra[0], rb[0])
        assert ra[1:4] == rb[1:4]
        if ra[2]:
            np.testing.assert_array_equal(a.reset()[0], b.reset()[0])


# ----------------------------------------------------------------------------- spaces


def test_spaces():
    env = make()
    assert env.observation_space == gym.spaces.Box(-1.0, 2.0, (39,), np.float32)
    assert env.action_space == gym.spaces.Discrete(40)
    env = make(observe_used=False, end_trial_action=True)
    assert env.observation_space.shape == (24,) and env.action_space == gym.spaces.Discrete(41)
    obs, _ = env.reset(seed=314)
    np.testing.assert_array_equal(obs[:4], np.array([-1, -1, 0, -T], np.float32))
    assert obs[12] == np.float32(2 * T)
    env = make(ground_truth_obs=True, see_chemistries={"graph": {"content": "ground_truth", "elements": ["graph"]}})
    assert env.observation_space["ground_truth"].shape == (28,) and env.observation_space["graph"].shape == (12,)
    obs, _ = env.reset(seed=0)
    assert env.observation_space.contains(obs)


def test_before_reset_and_bad_options():
    env = make()
    np.testing.assert_array_equal(env._obs[:5], [2, 2, 2, 2, 1])
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    for kwargs, match in [
        (dict(num_stones_per_trial=4), "num_stones_per_trial"),
        (dict(num_potions_per_trial=13), "num_potions_per_trial"),
        (dict(see_chemistries={"x": "oracle"}), "content"),
        (dict(see_chemistries={"x": {"elements": ["colour"]}}), "elements"),
    ]:
        with pytest.raises(ValueError, match=match):
            make(**kwargs)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_gives_200_steps(level):
    env = gym.make(f"memory_bench:Alchemy-{level}-v0")
    env.reset(seed=1)
    rng = np.random.default_rng(1)
    n, terminated, trials = 0, False, []
    while not terminated:
        _, _, terminated, truncated, info = env.step(int(rng.integers(0, 40)))
        n += 1
        assert not truncated
        trials.append(info["trial_number"])
    assert n == 200
    assert trials == [t for t in range(10) for _ in range(20)][1:] + [9]
    with pytest.raises(RuntimeError, match="reset"):
        env.unwrapped.step(0)
    lvl = parse_level(level)
    assert (env.unwrapped.chemistry.rotation == 0) or lvl.rotation


# ----------------------------------------------------------------------------- step rules


def test_trial_rollover_and_info():
    env = make()
    obs, info = env.reset(seed=3)
    assert info == {"trial_number": 0, "is_new_trial": True, "steps_this_trial": 0}
    first_stones = list(env.stones)
    env.step(1)  # cash stone 0
    for k in range(2, 20):
        obs, _, _, _, info = env.step(0)
        assert info == {"trial_number": 0, "is_new_trial": False, "steps_this_trial": k}
    obs, reward, terminated, _, info = env.step(0)
    assert info == {"trial_number": 1, "is_new_trial": True, "steps_this_trial": 0} and not terminated
    assert not obs[4::5][:3].any() and not obs[16::2].any()  # fresh items, nothing used
    assert env.stones != first_stones or True


def test_invalid_actions_follow_the_table():
    env = make()
    obs, _ = env.reset(seed=0)
    # Seed 0: stone 0 is (1,1,-1) (value 1), potion 0 is (0,+1): no effect, potion consumed.
    obs, r, *_ = env.step(env.action_for(0, 0))
    assert r == 0 and obs[15] == 1 and obs[16] == 1 and COORDS[env.stones[0]] == (1, 1, -1)
    # Used potion: nothing at all.
    before = obs.copy()
    obs, r, _, _, info = env.step(env.action_for(1, 0))
    np.testing.assert_array_equal(obs, before)
    assert r == 0 and info["steps_this_trial"] == 2
    # Cauldron pays the value and empties the slot.
    obs, r, *_ = env.step(env.action_for(0))
    assert r == 1.0 and list(obs[:5]) == [2, 2, 2, 2, 1]
    # A used stone: nothing, for any target.
    for target in (None, 5):
        before = obs.copy()
        obs, r, *_ = env.step(env.action_for(0, target))
        np.testing.assert_array_equal(obs, before)
        assert r == 0
    # Potion 2 is (2,+1): stone 1 (1,1,-1) moves to (1,1,1) if the z-edge exists (graph #106: z-edges where y=-1: no).
    obs, r, *_ = env.step(env.action_for(1, 2))
    assert COORDS[env.stones[1]] == (1, 1, -1) and obs[20] == 1
    assert env.steps_this_trial == 6


def test_potion_moves_stone_on_an_edge():
    env = AlchemyEnv("all_fixed")  # identity maps, full cube
    env.reset(seed=0)
    for s in range(3):
        for p in range(12):
            c, pot = env.stones[s], env.potions[p]
            if c >= 0 and pot >= 0 and COORDS[c][pot // 2] == -(2 * (pot % 2) - 1):
                obs, r, *_ = env.step(env.action_for(s, p))
                assert env.stones[s] == c ^ (1 << (pot // 2)) and r == 0
                assert obs[5 * s + 3] == np.float32(sum(COORDS[env.stones[s]]) / 3)
                return
    pytest.skip("no movable pair in this draw")


def test_end_trial_action_and_out_of_range():
    env = make(end_trial_action=True)
    env.reset(seed=0)
    _, r, _, _, info = env.step(0)  # END TRIAL
    assert r == 0 and info == {"trial_number": 1, "is_new_trial": True, "steps_this_trial": 0}
    n = 1
    while not env.step(0)[2]:
        n += 1
    assert n == 9
    # Actions outside the space: a clear error by default.
    env = make()
    env.reset(seed=0)
    for bad in (40, -1, 1000, 2.5, "3"):
        with pytest.raises(ValueError, match="action"):
            env.step(bad)
    assert env.steps_this_trial == 0
    # strict_actions=False: the original's handling.
    env = make(strict_actions=False)
    obs, _ = env.reset(seed=0)
    o2, r, *_ = env.step(1000)  # stone slot >= 3: a counted no-op
    np.testing.assert_array_equal(o2, obs)
    assert r == 0 and env.steps_this_trial == 1
    env.step(-7)  # another negative value: a no-op
    assert env.steps_this_trial == 2
    with pytest.raises(ValueError, match="Env has no end trial action"):
        env.step(-1)


def test_fewer_items_show_default_slots():
    env = make(num_stones_per_trial=1, num_potions_per_trial=2)
    obs, _ = env.reset(seed=0)
    assert list(obs[5:10]) == [2, 2, 2, 2, 1] and list(obs[19:21]) == [1, 1]
    _, r, *_ = env.step(env.action_for(2))  # a missing stone: no-op
    assert r == 0


# ----------------------------------------------------------------------------- belief state (spec 7.4)


def test_belief_notebook_seed_22():
    env = make(belief_state_obs=True)
    obs, _ = env.reset(seed=22)
    expected = np.full(28, 0.5, np.float32)
    expected[22] = 0.0
    expected[24:] = [0, 0, 1, 0]
    np.testing.assert_array_equal(obs["belief_state"], expected)
    obs, *_ = env.step(3)
    expected[4] = 1.0
    expected[12:18] = [0.5, 0, 0.5, 0, 0, 0]
    expected[18:21] = [0.5, 0.5, 1]
    expected[21:24] = [0.5, 0, 1]
    np.testing.assert_array_equal(obs["belief_state"], expected)


def test_belief_unknown_rotation_is_all_half():
    b = BeliefState(parse_level(STANDARD_LEVEL))
    b.new_trial([(1, 0, 1)], [1])  # aligned under rotations 1 and 3
    assert sorted(b.rot_maps) == [1, 3] and not b.rotation_known
    assert all((v == 0.5).all() for v in b.observation().values())
    b.new_trial([(1, 1, 1)], [3])  # only rotation 0 aligns it: none left is consistent with both
    assert not b.rot_maps


def test_belief_hand_built_history():
    b = BeliefState(parse_level(EVALUATION_LEVEL))
    b.new_trial([(1, -1, -1)], [-1])
    assert sorted(b.S) == sorted(index_of(m) for m in [(1, 1, 1), (-1, -1, 1), (-1, 1, -1)])
    o = b.observation()
    np.testing.assert_array_equal(o["stone_map"], [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(o["rotation"], [1, 0, 0, 0])
    # Colour 1 (pair 0, t=+1) moves it along axis 1, reward -1 -> +1.
    b.potion_used((1, -1, -1), -1, (1, 1, -1), 1, colour=1)
    o = b.observation()
    assert o["graph"][3] == 1  # edge (1, 3)
    np.testing.assert_array_equal(o["potion_map"][:6], [0, 0, 0.5, 0.5, 0, 0])
    np.testing.assert_array_equal(o["potion_map"][6:], [0.5, 1, 0.5])
    np.testing.assert_array_equal(o["stone_map"], [0.5, 1, 0.5])
    # Colour 1 on a stone that should move up axis 1 and does not: that edge is known absent.
    b.potion_used((-1, -1, 1), -1, (-1, -1, 1), -1, colour=1)
    assert b.observation()["graph"][9] == 0  # edge (4, 6)
    # Colour 1 on a stone already at +1 on axis 1: nothing learned.
    before = {k: v.copy() for k, v in b.observation().items()}
    b.potion_used((-1, 1, -1), -1, (-1, 1, -1), -1, colour=1)
    for k, v in b.observation().items():
        np.testing.assert_array_equal(v, before[k])
    # Colour 2 (pair 1, t=-1) moves a stone up axis 0: pair 1 -> axis 0, the last pair filled with axis 2.
    b.potion_used((-1, -1, 1), -1, (1, -1, 1), 1, colour=2)
    assert b.dim == [1, 0, 2]
    o = b.observation()
    # One dim map left, but dir[2] unresolved: it still shows 0.5.
    np.testing.assert_array_equal(o["potion_map"], [0, 0, 0.5, 0, 0, 0, 0, 1, 0.5])
    # S is down to one map, but the partial stone map is only recomputed at the next trial.
    assert b.S == {7}
    np.testing.assert_array_equal(o["stone_map"], [1, 1, 0.5])
    b.new_trial([(1, 1, 1)], [3])
    np.testing.assert_array_equal(b.observation()["stone_map"], [1, 1, 1])


def test_belief_graph_is_in_the_aligned_frame():
    """Stone map (+1,+1,-1) with bottleneck1: ground truth edge 8, belief edge 0 (spec 7.4)."""
    from memory_bench.envs.alchemy.chemistry import NAMED_GRAPHS, Chemistry, PotionMap

    chem = Chemistry(PotionMap((0, 1, 2), (1, 1, 1)).index, index_of((1, 1, -1)), NAMED_GRAPHS["bottleneck1"], 0)
    assert chem.ground_truth()["graph"][8] == 1 and chem.ground_truth()["graph"].sum() == 9
    b = BeliefState(parse_level(EVALUATION_LEVEL))
    start, end = index_of((-1, -1, 1)), index_of((1, -1, 1))
    assert chem.transition(start, 1) == end  # potion (0, +1)
    b.new_trial([chem.perceived_stone(start)], [sum(COORDS[start])])
    b.potion_used(chem.perceived_stone(start), sum(COORDS[start]), chem.perceived_stone(end), sum(COORDS[end]),
                  chem.potion_colour(1))
    g = b.observation()["graph"]
    assert g[0] == 1 and g[8] != 1


def test_belief_state_dict_obs_in_env_matches_space():
    env = gym.make("memory_bench:Alchemy-perceptual_mapping_randomized_with_random_bottleneck-v0",
                   belief_state_obs=True, ground_truth_obs=True)
    obs, _ = env.reset(seed=4)
    rng = np.random.default_rng(4)
    for _ in range(60):
        obs, *_ = env.step(int(rng.integers(0, 40)))
        assert env.observation_space.contains(obs)
        bs = obs["belief_state"]
        gt = obs["ground_truth"]
        known = bs[12:18] == 1  # a fully known potion map agrees with the truth
        assert (gt[12:18][known] == 1).all()
    assert DIM_MAPS[0] == (0, 1, 2)


# ----------------------------------------------------------------------------- vector envs

VEC_ID = f"memory_bench:Alchemy-{STANDARD_LEVEL}-v0"


def _vec_spec_with_entry_point():
    import dataclasses

    from memory_bench.envs.alchemy.vector import ENTRY_POINT

    return dataclasses.replace(gym.spec(VEC_ID.removeprefix("memory_bench:")), vector_entry_point=ENTRY_POINT)


@pytest.mark.parametrize("mode", ["sync", "async", "vector_entry_point"])
def test_make_vec_modes_match_single_envs(mode):
    """3 envs through a whole episode and into the next: each one gives what a single
    env with seed 5 + i gives (next-step autoreset: the step after the end returns the
    next episode's first observation with reward 0). The registry has no vector entry
    point for Alchemy; the test passes AlchemyVectorEnv's through a copied spec."""
    n, steps = 3, 205
    rng = np.random.default_rng(0)
    actions = rng.integers(0, 40, size=(steps, n))
    spec = _vec_spec_with_entry_point() if mode == "vector_entry_point" else VEC_ID
    envs = gym.make_vec(spec, num_envs=n, vectorization_mode=mode)
    try:
        assert envs.single_action_space == gym.spaces.Discrete(40) and envs.observation_space.shape == (n, 39)
        obs, info = envs.reset(seed=5)
        got_obs, got_rew, got_term = [obs], [], []
        for a in actions:
            obs, rew, term, trunc, info = envs.step(a)
            assert not trunc.any()
            got_obs.append(obs)
            got_rew.append(rew)
            got_term.append(term)
    finally:
        envs.close()
    for i in range(n):
        env = AlchemyEnv(STANDARD_LEVEL)
        obs, _ = env.reset(seed=5 + i)
        np.testing.assert_array_equal(got_obs[0][i], obs)
        done = False
        for t, a in enumerate(actions[:, i]):
            if done:
                obs, _ = env.reset()
                rew, term = 0.0, False
            else:
                obs, rew, term, _, _ = env.step(int(a))
            done = term
            np.testing.assert_array_equal(got_obs[t + 1][i], obs)
            assert got_rew[t][i] == rew and got_term[t][i] == term
    assert np.array(got_term)[199].all() and not np.array(got_term)[:199].any()


def test_vector_entry_point_time_limit_and_kwargs():
    from memory_bench.envs.alchemy.vector import AlchemyVectorEnv

    envs = gym.make_vec(_vec_spec_with_entry_point(), num_envs=2, vectorization_mode="vector_entry_point",
                        end_trial_action=True, max_episode_steps=7)
    try:
        assert isinstance(envs.unwrapped, AlchemyVectorEnv) and envs.single_action_space.n == 41
        envs.reset(seed=0)
        for t in range(7):
            _, _, term, trunc, info = envs.step(np.array([1, 0]))  # noop; end trial
        assert trunc.all() and not term.any() and info["trial_number"].tolist() == [0, 7]
    finally:
        envs.close()
    with pytest.raises(ValueError, match="num_envs"):
        AlchemyVectorEnv(0)


# ----------------------------------------------------------------------------- drawn view


def test_rgb_array_render_shows_what_the_observation_shows():
    pytest.importorskip("pygame")
    from memory_bench.envs.alchemy import view

    env = make(render_mode="rgb_array")
    assert env.render().shape == (512, 512, 3)  # before reset: empty slots
    obs, _ = env.reset(seed=314)
    board = view.decode(obs)
    # seed 314 (spec 11): stone 0 perceived (-1,-1,0), sum -1; potion 0 colour index 5
    assert board.stones[0] == (-1, -1, 0, -1) and board.stones[2] == (-1, 1, 0, -3)
    assert board.potions[:3] == [5, 5, 1]
    env.step(env.action_for(0, 0))
    env.step(env.action_for(1, None))  # +1
    img = env.render()
    assert img.shape == (512, 512, 3) and img.dtype == np.uint8
    assert env.episode_return == 1.0
    after = view.decode(env._observation())
    assert after.stones[0] == (-1, 1, 0, -3) and after.stones[1] is None and after.potions[0] is None
    # the stone is drawn in its perceived colour at the middle of its card, the potions
    # in theirs, and a used potion is an empty flask
    x, y, w, h = view._STONE_CARDS[0]
    assert tuple(img[y + 86, x + w // 2]) == view.STONE_COLOURS[-1][1]
    x, y, w, h = view._POTION_CELLS[1]
    assert tuple(img[y + h - 26 + 8, x + w // 2]) == view.POTION_COLOURS[5][1]
    x, y, w, h = view._POTION_CELLS[0]
    assert tuple(img[y + h - 26 + 8, x + w // 2]) == view.CARD
    # the 24-value observation decodes the same way
    env24 = make(observe_used=False)
    obs24, _ = env24.reset(seed=314)
    assert view.decode(obs24) == board
    with pytest.raises(ValueError, match="render_mode"):
        make(render_mode="human")
