"""DMLab-30's language levels: the task generator's grammar and rules, the instruction
observation, and the env's behaviour."""

from __future__ import annotations

from collections import Counter

import gymnasium as gym
import numpy as np
import pytest

from memory_bench.agents.dmlab import play
from memory_bench.agents.language import InstructionAgent, parse, referents
from memory_bench.engine import hr_shapes
from memory_bench.engine import textmap as tm
from memory_bench.envs.dmlab import language_tasks as lt
from memory_bench.envs.dmlab.language import MAX_TOKENS, LanguageEnv, tokenize, vocabulary

LEVEL_IDS = {level: f"DMLab-language_{level}-v0" for level in lt.LEVELS}


def _tasks(level: str, n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [lt.new_task(level, rng) for _ in range(n)]


@pytest.mark.parametrize("level", lt.LEVELS)
def test_every_instruction_names_exactly_its_goal_and_is_reachable(level):
    """Read as a player who sees every object would read it, each instruction refers
    to exactly the objects DMLab's reward rules pay for, and they can be walked to from
    every spawn point."""
    for task in _tasks(level, 1500):
        want = task.targets()
        assert want, task.instruction
        assert sorted(referents(task)) == sorted(want), (task.spec.name, task.instruction)
        walls = np.array([[c == "*" for c in row.ljust(task.map.shape[1], "*")] for row in task.entity])
        for spawn in task.spawns:
            dist = tm.distances(~walls, spawn)
            assert all(dist[task.objs[k].cell] >= 0 for k in want)
        assert set(task.instruction) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ?_")


def test_task_mixtures_follow_dmlab_weights():
    counts = Counter(t.spec.name for t in _tasks("execute_random_task", 3000, seed=1))
    assert len(counts) == 14
    # weight-2 kinds are drawn about twice as often as weight-1 kinds (20 of 3000 per unit weight: 3000/20)
    assert 2 * 150 * 0.75 < counts["twoRoomPickTask"] < 2 * 150 * 1.25
    assert 150 * 0.7 < counts["sixRoomPickTask"] < 150 * 1.3
    located = Counter(t.spec.name for t in _tasks("select_located_object", 2000, seed=2))
    assert 0.45 < located["twoRoomColorTask"] / 2000 < 0.55


def test_select_described_object_rules():
    for task in _tasks("select_described_object", 300):
        goal, other = task.objs
        assert task.instruction == goal.shape and other.shape != goal.shape
        assert {goal.shape, other.shape} <= {"cake", "car", "cassette", "hat", "tv"}
        assert goal.size == other.size == "medium" and goal.pattern in lt.PATTERNS
        assert goal.cell in task.map.slots and other.cell in task.map.slots and goal.cell != other.cell
        k = task.objs.index(goal)
        assert task.on_pickup(k) == (10.0, True)
        assert lt.draw("select_described_object", task.spec, np.random.default_rng(0)).on_pickup(1) == (-10.0, True)


def test_select_located_object_rules():
    for task in _tasks("select_located_object", 500):
        goal = task.objs[0]
        n = len(task.objs) - 1
        assert n in (3, 7, 11)
        assert task.instruction == f"Pick the {goal.color} object in the {task.region_colors[goal.region]} room"
        assert len(set(task.region_colors.values())) == len(task.region_colors)  # distinct floors
        assert all(o.color in lt.RGBCMY and o.pattern == "solid" and o.size == "medium" for o in task.objs)
        assert task.on_pickup(0) == (10.0, True)
        assert task.on_pickup(1) == ({3: -3.0, 7: -1.0, 11: -1.0}[n], True)


def test_every_x_tasks_count_goals_and_balance_distractors():
    seen = 0
    for task in _tasks("execute_random_task", 800, seed=3):
        if task.spec.controller != "counting":
            continue
        seen += 1
        goals = [k for k, o in enumerate(task.objs) if o.group == 1]
        others = [k for k, o in enumerate(task.objs) if o.group != 1]
        assert len(goals) >= 2 and len(others) >= 2 and len(task.objs) <= 8
        rewards = [task.on_pickup(k) for k in goals]
        assert rewards[:-1] == [(1.0, False)] * (len(goals) - 1) and rewards[-1] == (11.0, True)
        fresh = lt.Task(**{**task.__dict__, "picked": 0})
        total = len(goals) + 10
        assert fresh.on_pickup(others[0]) == (-float(np.floor(total / len(others) + 0.5)), True)
    assert seen > 100


def test_quantitative_questions_are_balanced_and_objects_stay_put():
    answers = Counter()
    for task in _tasks("answer_quantitative_question", 1200, seed=4):
        yes, no = task.objs[0], task.objs[1]
        assert (yes.shape, yes.color, yes.cell) == ("ball", "white", (0, 5))
        assert (no.shape, no.color, no.cell) == ("ball", "black", (3, 5))
        shown = task.objs[2:]
        assert len(shown) == 4 and not any(o.can_pickup for o in shown)
        assert {o.cell for o in shown} == {(1, 3), (1, 4), (2, 3), (2, 4)}
        truth = task.spec.truth(task.counts)
        answers[truth] += 1
        assert task.on_pickup(0) == (10.0 if truth else -10.0, True)
        assert task.on_pickup(1) == (-10.0 if truth else 10.0, True)
    assert 0.4 < answers[True] / 1200 < 0.6


def test_parse_rejects_foreign_text():
    with pytest.raises(ValueError, match="not an instruction"):
        parse("Find the exit")


def test_tokens_use_the_published_vocabulary():
    words = vocabulary()
    assert len(set(words)) == len(words) and "hair_brush" in words and "?" in words and "magenta" in words
    ids = tokenize("Are all hair_brush objects red?")
    assert ids.shape == (MAX_TOKENS,) and ids.dtype == np.int64
    assert [words[i - 2] for i in ids if i >= 2] == ["are", "all", "hair_brush", "objects", "red", "?"]
    assert tokenize("spaceship")[0] == 1 and tokenize("")[0] == 0
    for level in lt.LEVELS:  # no instruction of the grammar holds an unknown word
        for task in _tasks(level, 200):
            assert 1 not in tokenize(task.instruction)


def test_shapes_cover_dmlab_names_and_scales():
    assert len(hr_shapes.SHAPE_NAMES) == 40 == len(set(hr_shapes.SHAPE_NAMES)) and set(hr_shapes.HR_SHAPES) == set(hr_shapes.SHAPE_NAMES)
    assert hr_shapes.scale_of("car", "medium") == 0.8 and hr_shapes.scale_of("tv", "large") == 1.62
    big, mid = hr_shapes.scaled("hat", "large"), hr_shapes.scaled("hat", "medium")
    assert big[0][1] == pytest.approx(mid[0][1] * 1.55)
    with pytest.raises(ValueError, match="spaceship"):
        hr_shapes.scaled("spaceship", "medium")
    with pytest.raises(ValueError, match="huge"):
        hr_shapes.scaled("tv", "huge")


def test_env_observation_holds_the_instruction():
    env = gym.make(LEVEL_IDS["select_located_object"])
    obs, info = env.reset(seed=3)
    assert set(obs) == {"image", "INSTR"} and obs["image"].shape == (72, 96, 3)
    assert isinstance(obs["INSTR"], str) and obs["INSTR"].startswith("Pick the ")
    assert env.observation_space.contains(obs) and info["instruction"] == obs["INSTR"]
    env.close()
    env = gym.make(LEVEL_IDS["select_located_object"], instruction="tokens")
    obs2, _ = env.reset(seed=3)
    assert np.array_equal(obs2["INSTR"], tokenize(obs["INSTR"])) and env.observation_space.contains(obs2)
    env.close()


@pytest.mark.parametrize("level", lt.LEVELS)
def test_env_is_deterministic(level):
    def run(seed):
        env = gym.make(LEVEL_IDS[level])
        obs, _ = env.reset(seed=seed)
        out = [obs["INSTR"], obs["image"]]
        agent = InstructionAgent()
        agent.reset(env.unwrapped)
        total = 0.0
        for _ in range(60):
            obs, r, *_ = env.step(agent.act(env.unwrapped))
            total += r
            out += [obs["INSTR"], obs["image"]]
        env.close()
        return out, total

    a, ra = run(5)
    b, rb = run(5)
    assert ra == rb and all(np.array_equal(x, y) for x, y in zip(a, b))
    c, _ = run(6)
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_goal_pickup_pays_and_starts_a_new_task():
    env = LanguageEnv("select_described_object")
    env.reset(seed=0)
    agent = InstructionAgent()
    agent.reset(env)
    first = env.task
    for _ in range(400):
        reward, terminated, truncated = env._advance(agent.act(env))
        if reward:
            break
    assert reward == 10.0 and env.task is not first and env.map_restarts == 1 and not terminated
    env.close()


def test_oracle_outscores_random_by_far():
    env = gym.make(LEVEL_IDS["select_described_object"])
    assert play(env, InstructionAgent(), seed=0) > 150
    env.close()


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="'speak'.*select_described_object"):
        LanguageEnv("speak")
    with pytest.raises(ValueError, match="instruction='ascii'"):
        LanguageEnv("select_described_object", instruction="ascii")
    env = gym.make(LEVEL_IDS["select_described_object"])
    env.reset(seed=0)
    with pytest.raises(ValueError, match="invalid action 9"):
        env.step(9)
    env.close()


def test_gui_shows_the_instruction_and_replays(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    from memory_bench.gui import app, load_episode, replay_check

    env_id = LEVEL_IDS["answer_quantitative_question"]
    player = app.Player(env_id, seed=2, out=tmp_path, max_steps=4, fps=0)
    try:
        for k in ({"up"}, {"left"}, {"up"}):
            player.tick(k)
        player.draw()  # before the 4th step ends the episode (and the summary covers the view)
        assert player.instruction == player.env.unwrapped.task.instruction
        screen = pygame.display.get_surface()
        # the caption band darkens the bottom of the view; the top is the image as it is
        bottom = np.array([screen.get_at((x, app.VIEW - 8))[:3] for x in range(0, app.VIEW, 16)])
        scale = app.VIEW // player.image.shape[0]
        raw = np.array([player.image[-1, x // scale] for x in range(0, app.VIEW, 16)])
        assert bottom.sum() < 0.5 * raw.sum()
        player.tick({"right"})
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert meta["env_id"] == env_id and replay_check(player.saved[0])
