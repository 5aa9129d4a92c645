"""Tests of the PsychLab sequential comparison and change detection tasks.

The envs are driven by setting the gaze directly (``angles_for``) and stepping with
the no-op ``fire`` action, so that a test is a scripted sequence of gaze points.
Frame-exact checks wrap ``Screen.frame`` to record the raster after every frame.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from memory_bench.envs.psychlab.base import ACTION_NAMES
from memory_bench.envs.psychlab.levels import DMLAB30_LEVELS, MEMORY_SUITE_LEVELS
from memory_bench.envs.psychlab.screen import BLACK, BRIGHT_GREEN, BRIGHT_RED
from memory_bench.envs.psychlab.tasks.comparison import (
    CD_COLORS,
    LEGAL_CHANGES,
    SEQ_COLORS,
    ChangeDetection,
    SequentialComparison,
    optotype_mask,
)
from memory_bench.envs.psychlab.view import angles_for

FIRE = ACTION_NAMES.index("fire")
CENTER = (0.5, 0.5)
#: A point on the screen where no widget of either task ever is.
EMPTY = (0.05, 0.05)


def look(env, x: float, y: float):
    """One step (4 frames) with the gaze held at (x, y)."""
    env.unwrapped.gaze.yaw, env.unwrapped.gaze.pitch = angles_for(x, y)
    return env.step(FIRE)


def widgets(env) -> dict:
    return env.unwrapped.screen.widgets


def look_until(env, point, name: str, limit: int = 500):
    """Looks at ``point`` until the widget ``name`` is on the screen."""
    for _ in range(limit):
        if name in widgets(env):
            return
        *_, terminated, truncated, _ = look(env, *point)
        assert not (terminated or truncated)
    raise AssertionError(f"{name} never appeared")


def to_buttons(env) -> None:
    """Plays a trial up to its response buttons (gaze on the centre, study ended)."""
    look_until(env, CENTER, "button_same" if isinstance(env.unwrapped, ChangeDetection) else "end_study")
    if isinstance(env.unwrapped, SequentialComparison):
        look(env, *widgets(env)["end_study"].center)
        look_until(env, CENTER, "button_same")


def answer(env, name: str):
    """Looks at button ``name`` for a step, then away; returns both steps' results."""
    on = look(env, *widgets(env)[f"button_{name}"].center)
    off = look(env, *CENTER)
    return on, off


def play_trial(env, correct: bool = True):
    to_buttons(env)
    truth = dict(env.unwrapped.truth)
    # the arrays of this trial (looking away from the button starts the next one)
    truth["study_items"], truth["test_items"] = env.unwrapped.study_items, env.unwrapped.test_items
    right = truth["correct_answer"]
    name = right if correct else ("same" if right == "different" else "different")
    on, off = answer(env, name)
    return truth, on, off


class FrameLog:
    """Records, after every frame, the widget names and a copy of the raster."""

    def __init__(self, env):
        self.screen = env.unwrapped.screen
        self.names: list[set[str]] = []
        self.rasters: list[np.ndarray] = []
        original = self.screen.frame

        def frame(gaze):
            original(gaze)
            self.names.append(set(self.screen.widgets))
            self.rasters.append(self.screen.raster.copy())

        self.screen.frame = frame

    def first(self, name: str, start: int = 0) -> int:
        return next(i for i in range(start, len(self.names)) if name in self.names[i])

    def first_without(self, name: str, start: int = 0) -> int:
        return next(i for i in range(start, len(self.names)) if name not in self.names[i])

    def onset(self, name: str, start: int = 0) -> int:
        """The first frame from ``start`` on where ``name`` appears (absent the frame before)."""
        names = self.names
        return next(i for i in range(start, len(names)) if name in names[i] and (i == 0 or name not in names[i - 1]))


def rect(widget) -> tuple[float, float, float, float]:
    return widget.pos[0], widget.pos[1], widget.pos[0] + widget.size[0], widget.pos[1] + widget.size[1]


def array_region(raster: np.ndarray) -> np.ndarray:
    return raster[32:224, 32:224]


# -- construction, kwargs, spaces --------------------------------------------------------


def test_defaults_and_reference_scores() -> None:
    seq, cd = SequentialComparison(), ChangeDetection()
    assert (seq.screen_size, seq.episode_frames, seq.max_trials, seq.max_frames_off_screen) == (256, 18000, 60, -1)
    assert (cd.screen_size, cd.episode_frames, cd.max_trials, cd.max_frames_off_screen) == (256, 18000, 50, 300)
    assert (SequentialComparison.human_score, SequentialComparison.random_score) == (39.5, 0.129)
    assert ChangeDetection.human_score is None and ChangeDetection.random_score is None
    assert "39.5" in SequentialComparison.__doc__ and "0.129" in SequentialComparison.__doc__
    assert seq.delays == (8, 16, 32, 64, 128, 256)
    assert cd.delays == (2, 4, 8, 64, 128) and cd.colors == CD_COLORS["train"]
    assert ChangeDetection(stimuli="holdout").colors == CD_COLORS["holdout"]
    assert seq.colors == SEQ_COLORS and len(SEQ_COLORS) == 7
    # grids: 7x7 positions with 33 free cells, 5x5 with the 9 of the middle row and column
    assert seq.grid.n == 7 and len(seq.grid.free_cells) == 33 and seq.max_set_size == 33
    cross = {(2, r) for r in range(5)} | {(c, 2) for c in range(5)}
    assert cd.grid.n == 5 and sorted(cd.grid.free_cells) == sorted(cross)
    assert seq.grid.box((0, 0)) == (12, 12, 36, 36)  # 24 px items, half-cell margin
    assert cd.grid.box((0, 0)) == (16, 16, 48, 48)  # 32 px items


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_check_env(cls) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any checker warning fails, but the one about a missing spec
        warnings.filterwarnings("ignore", message=".*alternative render modes.*")
        check_env(cls())


def test_bad_kwargs() -> None:
    for bad in ("all", "test", None, 3):
        with pytest.raises(ValueError, match=r"stimuli.*'train', 'holdout'"):
            ChangeDetection(stimuli=bad)
    for cls in (ChangeDetection, SequentialComparison):
        for bad in ((), [], "abc", 5, None, {"a": 1}):
            with pytest.raises(ValueError, match="delays must be a non-empty sequence"):
                cls(delays=bad)
        for bad, shown in (((2, 0), "0"), ((-4,), "-4"), ((2.5,), "2.5"), ((True, 2), "True"), ((2, "8"), "'8'")):
            with pytest.raises(ValueError, match=f"delays must hold positive ints.*{shown}"):
                cls(delays=bad)
        with pytest.raises(ValueError, match="max_trials"):
            cls(max_trials=0)
    assert ChangeDetection(delays=[3, np.int64(5)]).delays == (3, 5)
    assert SequentialComparison(delays=np.array([4, 9])).delays == (4, 9)


def test_levels_construct() -> None:
    seq = DMLAB30_LEVELS["psychlab_sequential_comparison"]
    assert isinstance(SequentialComparison(**seq.kwargs), SequentialComparison)
    cd_levels = [lv for name, lv in MEMORY_SUITE_LEVELS.items() if name.startswith("change_detection_")]
    assert len(cd_levels) == 7
    for lv in cd_levels:
        env = ChangeDetection(**lv.kwargs)
        assert env.delays == tuple(lv.kwargs["delays"]) and env.max_frames_off_screen == 300


# -- drawing -----------------------------------------------------------------------------


def test_optotype_masks() -> None:
    sq = optotype_mask("square", "up", 24, 24)
    assert sq.all()
    right = optotype_mask("E", "right", 24, 24)
    assert right[:, :9].all()  # the spine on the left: a letter E
    assert not right[6, 12:].any() and not right[16, 12:].any()
    assert right[0].all() and right[-1].all() and right[11].all()
    for o, rotated in (("left", right[:, ::-1]), ("down", right.T), ("up", right.T[::-1])):
        m = optotype_mask("E", o, 24, 24)
        assert np.array_equal(m, rotated), o
    with pytest.raises(ValueError, match="orientation"):
        optotype_mask("E", "diagonal", 24, 24)


def test_study_array_drawn() -> None:
    env = SequentialComparison()
    env.reset(seed=5)
    env.set_size = 6
    look(env, *CENTER)
    raster = env.screen.raster
    items = env.study_items
    assert len(items) == 6 == env.truth["set_size"]
    assert len({it.cell for it in items}) == 6 and all(it.cell in env.grid.free_cells for it in items)
    for it in items:
        x0, y0, x1, y1 = env.grid.screen_rect(it.cell, 256)
        patch = raster[round(y0 * 256):round(y1 * 256), round(x0 * 256):round(x1 * 256)]
        ink = (patch == SEQ_COLORS[it.color]).all(axis=2)
        assert np.array_equal(ink, optotype_mask(it.optotype, it.orientation, 24, 24))
    # nothing else is drawn in the array but the items and the end-study button
    ink = (array_region(raster) != 255).any(axis=2)
    expect = np.zeros_like(ink)
    for it in items:
        x0, y0, x1, y1 = env.grid.box(it.cell)
        expect[y0:y1, x0:x1] = optotype_mask(it.optotype, it.orientation, 24, 24)
    bx, by = (round(v * 256) - 32 for v in env.screen.widgets["end_study"].pos)
    assert ink[by:by + 24, bx:bx + 24].all()  # the black box with its turquoise border
    ink[by:by + 24, bx:bx + 24] = expect[by:by + 24, bx:bx + 24]
    assert np.array_equal(ink, expect)


# -- rewards, trials ---------------------------------------------------------------------


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_reward_on_leaving_correct_and_wrong(cls) -> None:
    env = cls(delays=(2,))
    env.reset(seed=1)
    for correct in (True, False, True):
        trials = env.trials
        truth, on, off = play_trial(env, correct)
        assert on[1] == 0.0  # nothing is paid while looking at the button
        assert "button_same" not in env.screen.widgets  # trial over: the next one is under way
        assert off[1] == (1.0 if correct else 0.0)
        assert env.trials == trials + 1
        assert env.last_trial["correct"] is correct and env.last_trial["correct_answer"] == truth["correct_answer"]
    assert env.correct_trials == 2 and env.episode_return == 2.0


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_button_feedback_colours(cls) -> None:
    env = cls(delays=(2,))
    env.reset(seed=2)
    to_buttons(env)
    right = env.truth["correct_answer"]
    wrong = "same" if right == "different" else "different"
    assert env.screen.widgets[f"button_{right}"].color == BLACK
    look(env, *widgets(env)[f"button_{wrong}"].center)
    assert env.screen.widgets[f"button_{wrong}"].color == BRIGHT_RED
    assert env.screen.widgets[f"button_{right}"].color == BLACK
    assert env.oracle_target == rect(env.screen.widgets[f"button_{right}"])
    look(env, *CENTER)
    to_buttons(env)
    right = env.truth["correct_answer"]
    look(env, *widgets(env)[f"button_{right}"].center)
    assert env.screen.widgets[f"button_{right}"].color == BRIGHT_GREEN


def test_button_positions() -> None:
    for cls, spots in (
        (SequentialComparison, {"different": (0.0, 0.45), "same": (0.9, 0.45)}),
        (ChangeDetection, {"different": (0.35, 0.9), "same": (0.55, 0.9)}),
    ):
        env = cls(delays=(2,))
        env.reset(seed=0)
        to_buttons(env)
        for name, pos in spots.items():
            w = env.screen.widgets[f"button_{name}"]
            assert w.pos == pytest.approx(pos) and w.size == pytest.approx((0.1, 0.1))


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_trial_cap(cls) -> None:
    env = cls(delays=(2,), max_trials=3)
    env.reset(seed=0)
    for i in range(3):
        _, _, off = play_trial(env)
        assert off[2] is (i == 2) and off[3] is False
    assert env.trials == 3 and off[4]["end_reason"] == "max_trials" and off[4]["trial"] == 3
    with pytest.raises(RuntimeError):
        look(env, *CENTER)


# -- staircase (sequential comparison) ---------------------------------------------------


def test_staircase_up_and_down() -> None:
    env = SequentialComparison(delays=(8,))
    env.reset(seed=3)
    sizes = []

    def block(results):
        for ok in results:
            truth, *_ = play_trial(env, ok)
            sizes.append(truth["set_size"])
            assert len(truth["study_items"]) == truth["set_size"]

    block([False])  # K = 1, wrong: stays at the minimum
    block([True])  # -> 2
    block([True, True])  # -> 3
    block([True, True, True])  # -> 4
    block([True, False, True, True])  # 3 of 4: stays
    block([True, True, False, False])  # 2 of 4 <= floor(4/2): -> 3
    block([True, False, True])  # 2 of 3 > 1: stays
    block([False, True, False])  # 1 of 3 <= 1: -> 2
    block([True, True])  # -> 3
    assert sizes == [1, 1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 2]
    assert env.set_size == 3
    env.reset(seed=0)
    assert env.set_size == 1


def test_staircase_cap_at_free_cells() -> None:
    env = SequentialComparison(delays=(8,), max_trials=10)
    env.reset(seed=0)
    env.set_size = env.max_set_size
    env._block_trials = env.max_set_size - 1
    env._block_correct = env.max_set_size - 1
    truth, *_ = play_trial(env, True)
    assert truth["set_size"] == 33 and len(truth["study_items"]) == 33 and env.set_size == 33


# -- sequential comparison: study, delay -------------------------------------------------


def test_sequential_self_paced_study_and_delay() -> None:
    env = SequentialComparison(delays=(8,))
    env.reset(seed=4)
    log = FrameLog(env)
    for _ in range(5):  # study lasts while the button is not looked at
        look(env, *CENTER)
    assert {"array", "end_study"} <= set(widgets(env))
    w = widgets(env)["end_study"]
    assert tuple(round(v, 6) for v in w.pos) in {(0.3125, 0.3125), (0.3125, 0.5625), (0.5625, 0.3125), (0.5625, 0.5625)}
    assert w.size == pytest.approx((0.09375, 0.09375))
    assert env.oracle_target == rect(w)
    img = w.image
    assert img.shape == (24, 24, 3) and (img[0, 0] == (59, 165, 170)).all() and (img[12, 12] == 0).all()
    # the spots never overlap an item cell
    for cell in env.grid.free_cells:
        x0, y0, x1, y1 = env.grid.screen_rect(cell, 256)
        for sx, sy in env.END_STUDY_SPOTS:
            assert x1 <= sx or x0 >= sx + 0.09375 or y1 <= sy or y0 >= sy + 0.09375
    look(env, *w.center)  # hover: filled turquoise, still studying
    assert (widgets(env)["end_study"].image == (59, 165, 170)).all() and "array" in widgets(env)
    x0, y0, x1, y1 = env.oracle_target  # the oracle is sent away from the button
    assert not (x0 <= w.center[0] <= x1 and y0 <= w.center[1] <= y1)
    leave = len(log.names)
    look(env, *CENTER)  # leaving ends the study
    for _ in range(4):
        look(env, *CENTER)
    blank = log.first_without("array", leave)
    assert "end_study" not in log.names[blank]
    test = log.first("array", blank)
    assert test - blank == env.truth["delay"] == 8
    assert all((r == 255).all() for r in log.rasters[blank:test])
    assert {"button_same", "button_different"} <= log.names[test]  # buttons come with the test array


# -- change detection: phases ------------------------------------------------------------


def test_change_detection_study_25_frames_then_blank() -> None:
    env = ChangeDetection(delays=(5, 17))
    env.reset(seed=6)
    log = FrameLog(env)
    seen, mark = set(), 0
    for _ in range(6):
        look_until(env, CENTER, "button_same")
        truth = dict(env.truth)
        start = log.onset("array", mark)
        study = log.rasters[start]
        assert (array_region(study) != 255).any()
        for i in range(start, start + 25):  # exactly 25 frames of the same study array
            assert np.array_equal(log.rasters[i], study), i
        assert "array" not in log.names[start + 25]
        disc = log.first("disc", start)
        assert disc - (start + 25) == truth["delay"]  # then a blank delay
        assert all((r == 255).all() for r in log.rasters[start + 25:disc])
        seen.add(truth["delay"])
        look(env, *widgets(env)[f"button_{truth['correct_answer']}"].center)
        mark = len(log.names)
        look(env, *CENTER)
    assert seen == {5, 17}


def test_change_detection_disc_gates_test_array() -> None:
    env = ChangeDetection(delays=(4,))
    env.reset(seed=7)
    log = FrameLog(env)
    look(env, *CENTER)  # fixation starts the trial
    assert "array" in widgets(env) and env.oracle_target is None
    for _ in range(30):  # look away: the disc waits, no test array, no buttons
        look(env, *EMPTY)
    assert set(widgets(env)) == {"disc"}
    disc = widgets(env)["disc"]
    assert disc.pos == pytest.approx((117 / 256, 117 / 256)) and disc.size == pytest.approx((21 / 256, 21 / 256))
    assert env.oracle_target == pytest.approx((117 / 256, 117 / 256, 138 / 256, 138 / 256))
    raster = env.screen.raster
    assert (raster[117:138, 117:138][10, 10] == 0).all() and (raster[117, 117] == 255).all()
    assert (raster[117:138, 117:138] == 0).all(axis=2).sum() > 300
    first = len(log.names)
    for _ in range(4):
        look(env, *CENTER)
    shown = log.first("array", first)
    assert "disc" not in log.names[shown] and "button_same" not in log.names[shown]
    buttons = log.first("button_same", shown)
    assert buttons - shown == 8
    assert np.array_equal(array_region(log.rasters[shown]), array_region(log.rasters[buttons]))
    # the oracle waits for the buttons, then goes to the right one
    assert env.oracle_target == rect(widgets(env)[f"button_{env.truth['correct_answer']}"])


def test_change_detection_set_sizes_and_delays() -> None:
    env = ChangeDetection(delays=(2, 3, 7), max_trials=120, episode_frames=200_000)
    env.reset(seed=8)
    sizes, delays = [], []
    for _ in range(120):
        truth, *_ = play_trial(env)
        sizes.append(truth["set_size"])
        delays.append(truth["delay"])
        assert len(truth["study_items"]) == truth["set_size"]
    assert set(sizes) == {1, 2, 3, 4} and set(delays) == {2, 3, 7}
    assert min(np.bincount(sizes)[1:]) > 15 and min(np.unique(delays, return_counts=True)[1]) > 25


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_change_probability_and_kinds(cls) -> None:
    env = cls(delays=(2,), max_trials=200, episode_frames=400_000)
    env.reset(seed=9)
    kinds = []
    for _ in range(200):
        truth, *_ = play_trial(env)
        study, test = truth["study_items"], truth["test_items"]
        kinds.append(truth["change"])
        assert (truth["correct_answer"] == "different") == (truth["change"] != "none")
        diff = [i for i, (a, b) in enumerate(zip(study, test)) if a != b]
        if truth["change"] == "none":
            assert diff == [] and truth["changed_item"] == -1
            continue
        assert diff == [truth["changed_item"]]
        a, b = study[diff[0]], test[diff[0]]
        changed = {f for f in ("cell", "optotype", "color", "orientation") if getattr(a, f) != getattr(b, f)}
        expect = {"translation": "cell"}.get(truth["change"], truth["change"])
        assert changed == {expect}
        legal = LEGAL_CHANGES[(truth["domain"], a.optotype)]
        assert truth["change"] in legal or (truth["change"] == "translation" and cls is ChangeDetection)
        if expect == "cell":
            assert b.cell in env.grid.free_cells and b.cell not in {it.cell for it in study}
    rate = np.mean([k != "none" for k in kinds])
    assert 0.4 < rate < 0.6, rate
    if cls is ChangeDetection:
        assert "translation" in kinds
    else:
        assert "translation" not in kinds


# -- determinism, off-screen -------------------------------------------------------------


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_determinism(cls) -> None:
    def run(seed):
        env = cls(delays=(2, 8, 16))
        obs, _ = env.reset(seed=seed)
        frames, truths = [obs.copy()], []
        for _ in range(4):
            to_buttons(env)
            truths.append(dict(env.truth))
            frames.append(env._obs.copy())
            on, off = answer(env, env.truth["correct_answer"])
            frames += [on[0].copy(), off[0].copy()]
        return frames, truths

    a, ta = run(11)
    b, tb = run(11)
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b)) and ta == tb
    c, tc = run(12)
    assert tc != ta or any(not np.array_equal(x, y) for x, y in zip(a, c))


def test_change_detection_off_screen_terminates() -> None:
    env = ChangeDetection()
    env.reset(seed=0)
    look(env, *CENTER)  # a trial is under way
    env.gaze.yaw, env.gaze.pitch = 90.0, 0.0
    assert env.gaze.point() is None
    for step in range(1, 100):
        _, reward, terminated, truncated, info = env.step(FIRE)
        if terminated:
            break
        assert not info["on_screen"]
    assert terminated and not truncated and info["end_reason"] == "off_screen"
    assert env.frames == 4 + 300 and step == 75
    # looking back in time resets the count
    env.reset(seed=0)
    env.gaze.yaw = 90.0
    for _ in range(74):
        assert not env.step(FIRE)[2]
    look(env, *EMPTY)
    env.gaze.yaw = 90.0
    for _ in range(74):
        assert not env.step(FIRE)[2]


def test_sequential_comparison_has_no_off_screen_rule() -> None:
    env = SequentialComparison()
    env.reset(seed=0)
    env.gaze.yaw = 90.0
    for _ in range(200):
        assert not env.step(FIRE)[2]
    assert env.frames_off_screen == 800


@pytest.mark.parametrize("cls", [SequentialComparison, ChangeDetection])
def test_oracle_follows_the_targets(cls) -> None:
    from memory_bench.agents.psychlab import PsychLabOracle

    env = cls(max_trials=15)
    agent = PsychLabOracle(env)
    obs, info = env.reset(seed=0)
    agent.reset()
    while True:
        obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
        if terminated or truncated:
            break
    assert terminated and info["end_reason"] == "max_trials"
    assert env.episode_return == 15.0 == env.correct_trials
