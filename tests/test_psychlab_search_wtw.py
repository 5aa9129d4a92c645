"""PsychLab visual search and what-then-where: trials driven by setting the gaze directly."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from memory_bench.envs.psychlab.base import ACTION_NAMES, EDGE_BUTTONS
from memory_bench.envs.psychlab.screen import BLACK, BRIGHT_GREEN, BRIGHT_RED, RED, WHITE
from memory_bench.envs.psychlab.tasks import search as vs
from memory_bench.envs.psychlab.tasks import what_then_where as wtw
from memory_bench.envs.psychlab.tasks.search import SET_SIZES, VisualSearch
from memory_bench.envs.psychlab.tasks.what_then_where import WhatThenWhere
from memory_bench.envs.psychlab.view import angles_for

FIRE = ACTION_NAMES.index("fire")
CENTRE = (0.5, 0.5)
#: A point on the screen outside every widget of both tasks (not the fixation zone).
NEUTRAL = (0.3, 0.3)


def look(env, point):
    """Puts the gaze on ``point`` (None: off the screen) and steps once with a no-op."""
    u = env.unwrapped
    if point is None:
        u.gaze.yaw, u.gaze.pitch = 120.0, 0.0
    else:
        u.gaze.yaw, u.gaze.pitch = angles_for(*point)
    return env.step(FIRE)


def button_centre(buttons, name, size=0.1):
    x, y = buttons[name]
    return x + size / 2, y + size / 2


def record_frames(env):
    """Wraps the screen's frame() to log, after every frame, the widget names."""
    u = env.unwrapped
    log = []
    original = u.screen.frame

    def frame(gaze):
        original(gaze)
        log.append(frozenset(u.screen.widgets))

    u.screen.frame = frame
    return log


# -- visual search -------------------------------------------------------------------


def vs_trial(env, correct=True):
    """Fixates, answers (rightly or wrongly) and looks away; returns (reward at the
    button, step result of leaving it, the trial's truth)."""
    u = env.unwrapped
    look(env, CENTRE)
    truth = dict(u.truth)
    answer = truth["correct_answer"]
    if not correct:
        answer = "absent" if answer == "present" else "present"
    _, r_on, *_ = look(env, button_centre(vs.BUTTONS, answer))
    color = u.screen.widgets[f"button_{answer}"].color
    assert color == (BRIGHT_GREEN if correct else BRIGHT_RED)
    result = look(env, NEUTRAL)
    return r_on, result, truth


def make_vs(**kwargs):
    kwargs.setdefault("resolution", 16)
    return VisualSearch(**kwargs)


def test_vs_layout_and_reward():
    env = make_vs()
    _, info = env.reset(seed=0)
    assert info["correct_answer"] == ""
    look(env, CENTRE)
    u = env.unwrapped
    assert set(u.screen.widgets) == {"array", "button_absent", "button_present"}
    for name, pos in vs.BUTTONS.items():
        w = u.screen.widgets[f"button_{name}"]
        assert w.pos == pos and w.size == (0.1, 0.1) and w.color == BLACK
    assert u.screen.raster[5, 5].tolist() == list(WHITE)
    env.reset(seed=0)
    r_on, (_, reward, term, trunc, info), truth = vs_trial(env, correct=True)
    assert r_on == 0.0 and reward == 1.0 and not term and not trunc
    assert info["trial"] == 1 and info["correct_trials"] == 1
    assert u.last_trial["correct"] and u.last_trial["correct_answer"] == truth["correct_answer"]
    r_on, (_, reward, *_, info), _ = vs_trial(env, correct=False)
    assert r_on == 0.0 and reward == 0.0
    assert info["trial"] == 2 and info["correct_trials"] == 1


def test_vs_oracle_target_is_correct_button():
    env = make_vs()
    env.reset(seed=1)
    look(env, CENTRE)
    u = env.unwrapped
    x, y = vs.BUTTONS[u.truth["correct_answer"]]
    assert u.oracle_target == (x, y, x + 0.1, y + 0.1)


def test_vs_items_match_truth_and_raster():
    env = make_vs(max_trials=400, episode_frames=100000)
    env.reset(seed=2)
    u = env.unwrapped
    present = 0
    for t in range(300):
        look(env, CENTRE)
        items, truth = u.items, u.truth
        assert len(items) == truth["set_size"] == u.current_set_size
        assert len({(i.row, i.col) for i in items}) == len(items)
        assert all(0 <= i.row < 7 and 0 <= i.col < 7 for i in items)
        n_targets = sum(i.is_target for i in items)
        assert n_targets == (1 if truth["correct_answer"] == "present" else 0)
        present += truth["correct_answer"] == "present"
        if t == 299 or t % 50 == 0:
            # the array image: each item's colour fills exactly its glyph's pixels in its cell
            box = u.screen.widgets["array"].box
            img = u.screen.raster[box[1] : box[3], box[0] : box[2]]
            top = (img.shape[0] - 7 * 56) // 2
            left = (img.shape[1] - 7 * 56) // 2
            for it in items:
                cell = img[top + it.row * 56 : top + it.row * 56 + 56, left + it.col * 56 : left + it.col * 56 + 56]
                ink = np.all(cell == vs.COLORS[it.color], axis=2)
                assert np.array_equal(ink, np.kron(vs.glyph_mask(it.shape), np.ones((14, 14), bool)))
        # keep the set size moving: alternate right and wrong answers
        answer = truth["correct_answer"] if t % 3 else ("absent" if truth["correct_answer"] == "present" else "present")
        look(env, button_centre(vs.BUTTONS, answer))
        look(env, NEUTRAL)
    assert 0.4 < present / 300 < 0.6


@pytest.mark.parametrize("mode", ["color", "shape", "conjunction"])
def test_vs_distractors_per_search_type(mode):
    env = make_vs(search_mode=mode, max_trials=1000)
    env.reset(seed=3)
    u = env.unwrapped
    kinds = set()
    for _ in range(12):
        u.level = len(SET_SIZES) - 1  # 32 items
        look(env, CENTRE)
        assert u.truth["search_type"] == mode
        distractors = [i for i in u.items if not i.is_target]
        assert len(distractors) >= 31
        for d in distractors:
            if mode == "color":
                assert d.shape == "T" and d.color != "magenta"
            elif mode == "shape":
                assert d.color == "magenta" and d.shape != "T"
            else:
                assert (d.shape, d.color) != ("T", "magenta")
            kinds.add((d.shape, d.color))
        look(env, button_centre(vs.BUTTONS, u.truth["correct_answer"]))
        look(env, NEUTRAL)
    expected = {"color": 4, "shape": 7, "conjunction": 39}[mode]
    assert len(kinds) == expected


def test_vs_interleaved_search_types():
    env = make_vs(max_trials=1000, episode_frames=100000)
    env.reset(seed=4)
    counts = dict.fromkeys(vs.SEARCH_TYPES, 0)
    for _ in range(150):
        look(env, CENTRE)
        counts[env.unwrapped.truth["search_type"]] += 1
        look(env, button_centre(vs.BUTTONS, env.unwrapped.truth["correct_answer"]))
        look(env, NEUTRAL)
    assert all(25 < c < 75 for c in counts.values()), counts


def test_vs_staircase_up_to_the_top_and_trial_cap():
    env = make_vs()
    env.reset(seed=5)
    sizes = []
    for t in range(80):
        _, (_, reward, term, trunc, info), truth = vs_trial(env, correct=True)
        sizes.append(truth["set_size"])
        assert reward == 1.0
        assert term == (t == 79) and not trunc
    assert info["end_reason"] == "max_trials" and info["trial"] == 80
    # blocks of K = set size, all correct: one level up after each block
    expected = [1, 1, 1] + [2] * 2 + [2] * 2 + [4] * 4 + [8] * 8 + [16] * 16 + [24] * 24
    expected += [32] * (80 - len(expected))
    assert sizes == expected
    with pytest.raises(RuntimeError):
        env.step(FIRE)


def test_vs_staircase_down_and_stay():
    env = make_vs()
    env.reset(seed=6)
    u = env.unwrapped
    for _ in range(7):  # 1, 1, 1, 2, 2, 2, 2 all correct -> level 5 (set size 4)
        vs_trial(env, correct=True)
    assert u.level == 5 and u.current_set_size == 4
    for ok in (True, False, True, True):  # 3 of 4 > floor(4/2): stay
        _, _, truth = vs_trial(env, correct=ok)
        assert truth["set_size"] == 4
    assert u.level == 5
    for ok in (False, True, True, False):  # 2 of 4 <= 2: down
        vs_trial(env, correct=ok)
    assert u.level == 4 and u.current_set_size == 2
    for ok in (True, False):  # 1 of 2 <= 1: down
        vs_trial(env, correct=ok)
    assert u.level == 3
    for _ in range(5):  # wrong answers bottom out at level 0
        vs_trial(env, correct=False)
    assert u.level == 0


def test_vs_episode_length_truncates():
    env = make_vs()
    env.reset(seed=7)
    assert env.unwrapped.episode_frames == 9000 and env.unwrapped.max_steps == 2250
    for i in range(2250):
        _, _, term, trunc, info = look(env, NEUTRAL) if i == 0 else env.step(FIRE)
        assert not term
        assert trunc == (i == 2249)
    assert info["end_reason"] == "time" and info["frames_remaining"] == 0
    assert env.unwrapped.frames == 9000


def test_vs_defaults():
    assert VisualSearch.human_score == 78.5 and VisualSearch.random_score == 0.085
    env = make_vs()
    assert (env.episode_frames, env.max_trials, env.max_frames_off_screen, env.screen_size) == (9000, 80, -1, 512)


# -- what then where -----------------------------------------------------------------


def make_wtw(**kwargs):
    kwargs.setdefault("resolution", 16)
    return WhatThenWhere(**kwargs)


def run_to_phase(env, phase, point=NEUTRAL, limit=400):
    for _ in range(limit):
        if env.unwrapped.phase == phase:
            return
        look(env, point)
    raise AssertionError(f"phase {phase!r} not reached (at {env.unwrapped.phase!r})")


def test_wtw_phase_timings_and_where_array():
    env = make_wtw(delays=(2, 3, 5, 9))
    env.reset(seed=0)
    u = env.unwrapped
    log = record_frames(env)
    delays_seen, pairs = set(), set()
    for _ in range(12):
        start = len(log)
        look(env, CENTRE)  # fixate: the trial starts in the step's first frame
        truth = dict(u.truth)
        assert truth["phase"] == "what" and truth["delay"] in (2, 3, 5, 9) and truth["delay2"] in (2, 3, 5, 9)
        # the where array: four distinct digits 0-4, the cue on the answer side
        where = u.where_digits
        assert sorted(where) == sorted(EDGE_BUTTONS)
        assert len(set(where.values())) == 4 and set(where.values()) <= set(range(5))
        assert where[truth["correct_answer"]] == truth["cue_digit"] == u.cue_digit
        run_to_phase(env, "disc")
        frames = log[start:]
        first = next(i for i, f in enumerate(frames) if "what" in f)
        assert first == 0
        phases = []
        for f in frames[first:]:
            kind = "what" if "what" in f else "where" if "where_up" in f else "disc" if "disc" in f else "blank"
            if not phases or phases[-1][0] != kind:
                phases.append([kind, 0])
            phases[-1][1] += 1
        kinds = [p[0] for p in phases]
        assert kinds[:5] == ["what", "blank", "where", "blank", "disc"], phases
        assert [p[1] for p in phases[:4]] == [25, truth["delay"], 25, truth["delay2"]]
        # the where digits sit at the edge midpoints of the array
        assert all(len(f & {"where_up", "where_down", "where_left", "where_right"}) in (0, 4) for f in frames)
        delays_seen |= {truth["delay"], truth["delay2"]}
        pairs.add((truth["delay"], truth["delay2"]))
        look(env, CENTRE)  # gaze at the disc
        look(env, button_centre(EDGE_BUTTONS, truth["correct_answer"]))
        _, reward, *_ = look(env, NEUTRAL)
        assert reward == 1.0
    assert delays_seen == {2, 3, 5, 9}
    assert any(a != b for a, b in pairs)


def test_wtw_where_geometry_and_images():
    env = make_wtw(delays=(1,))
    env.reset(seed=1)
    u = env.unwrapped
    look(env, CENTRE)
    w = u.screen.widgets["what"]
    assert w.box == (96, 96, 160, 160)
    assert np.array_equal(w.image, wtw.digit_picture(u.cue_digit, "train", 64))
    assert u.screen.raster[0, 0].tolist() == list(BLACK)
    run_to_phase(env, "where")
    centres = {s: u.screen.widgets[f"where_{s}"].center for s in EDGE_BUTTONS}
    assert centres["up"][1] < 0.2 and centres["down"][1] > 0.8 and abs(centres["up"][0] - 0.5) < 0.01
    assert centres["left"][0] < 0.2 and centres["right"][0] > 0.8 and abs(centres["left"][1] - 0.5) < 0.01
    for s, d in u.where_digits.items():
        box = u.screen.widgets[f"where_{s}"].box
        assert box[2] - box[0] == box[3] - box[1] == 60
        assert np.array_equal(u.screen.raster[box[1] : box[3], box[0] : box[2]], wtw.digit_picture(d, "train", 60))
    assert "fixation" not in u.screen.widgets
    # held-out exemplars differ
    assert not np.array_equal(wtw.digit_picture(3, "train", 64), wtw.digit_picture(3, "holdout", 64))
    env_h = make_wtw(stimuli="holdout", delays=(1,))
    env_h.reset(seed=1)
    look(env_h, CENTRE)
    assert np.array_equal(env_h.unwrapped.screen.widgets["what"].image, wtw.digit_picture(env_h.unwrapped.cue_digit, "holdout", 64))


def test_wtw_fixation_cross_on_black():
    env = make_wtw()
    env.reset(seed=0)
    r = env.unwrapped.screen.raster
    assert r[128, 128].tolist() == list(RED) and r[116, 116].tolist() == list(BLACK)


def test_wtw_disc_gating_and_reward():
    env = make_wtw(delays=(4,))
    env.reset(seed=2)
    u = env.unwrapped
    look(env, CENTRE)
    assert u.oracle_target is None
    run_to_phase(env, "disc")
    disc = u.screen.widgets["disc"]
    assert disc.box == (117, 117, 138, 138)
    assert u.screen.raster[127, 127].tolist() == list(WHITE)
    assert u.oracle_target == (disc.pos[0], disc.pos[1], disc.pos[0] + disc.size[0], disc.pos[1] + disc.size[1])
    for _ in range(30):  # no buttons until the disc is gazed at
        look(env, NEUTRAL)
        assert u.phase == "disc" and not any(n.startswith("button_") for n in u.screen.widgets)
    look(env, CENTRE)
    assert u.phase == "response" and "disc" not in u.screen.widgets
    for name, pos in EDGE_BUTTONS.items():
        b = u.screen.widgets[f"button_{name}"]
        assert b.pos == pos and b.size == (0.1, 0.1) and b.color == WHITE
    answer = u.truth["correct_answer"]
    x, y = EDGE_BUTTONS[answer]
    assert u.oracle_target == (x, y, x + 0.1, y + 0.1)
    wrong = next(s for s in EDGE_BUTTONS if s != answer)
    look(env, button_centre(EDGE_BUTTONS, wrong))
    assert u.screen.widgets[f"button_{wrong}"].color == BRIGHT_RED
    _, reward, *_, info = look(env, NEUTRAL)
    assert reward == 0.0 and info["trial"] == 1 and info["correct_trials"] == 0
    assert u.last_trial["correct_answer"] == answer and not u.last_trial["correct"]
    run_to_phase(env, "fixation")
    look(env, CENTRE)
    run_to_phase(env, "disc", point=NEUTRAL)
    look(env, CENTRE)
    answer = u.truth["correct_answer"]
    _, r_on, *_ = look(env, button_centre(EDGE_BUTTONS, answer))
    assert r_on == 0.0 and u.screen.widgets[f"button_{answer}"].color == BRIGHT_GREEN
    _, reward, *_, info = look(env, NEUTRAL)
    assert reward == 1.0 and info["correct_trials"] == 1


def test_wtw_off_screen_terminates_after_300_frames():
    env = make_wtw()
    env.reset(seed=3)
    for i in range(75):
        _, _, term, trunc, info = look(env, None)
        assert not info["on_screen"]
        assert term == (i == 74) and not trunc
    assert info["end_reason"] == "off_screen" and env.unwrapped.frames == 300
    # coming back resets the count
    env.reset(seed=3)
    for _ in range(74):
        look(env, None)
    _, _, term, *_ = look(env, NEUTRAL)
    assert not term
    for _ in range(74):
        _, _, term, *_ = look(env, None)
        assert not term


def test_wtw_trial_cap_and_defaults():
    assert WhatThenWhere.human_score is None and WhatThenWhere.random_score is None
    env = make_wtw()
    assert (env.episode_frames, env.max_trials, env.max_frames_off_screen, env.screen_size) == (36000, 50, 300, 256)
    assert env.delays == (4, 8, 32, 128) and env.stimuli == "train"
    assert env.max_steps == 9000
    env = make_wtw(delays=(1,), max_trials=3)
    env.reset(seed=4)
    for t in range(3):
        look(env, CENTRE)
        run_to_phase(env, "response", point=CENTRE)
        look(env, button_centre(EDGE_BUTTONS, env.unwrapped.truth["correct_answer"]))
        _, reward, term, trunc, info = look(env, NEUTRAL)
        assert reward == 1.0 and term == (t == 2) and not trunc
    assert info["end_reason"] == "max_trials"


# -- both ------------------------------------------------------------------------------


def _script(env, seed, n=120):
    """Steps a fixed gaze script; returns the observations, rewards and infos."""
    obs, info = env.reset(seed=seed)
    out = [(obs.copy(), 0.0, repr(sorted((k, str(v)) for k, v in info.items())))]
    points = [CENTRE, NEUTRAL, (0.4, 0.95), (0.6, 0.95), (0.5, 0.05), (0.05, 0.5), (0.95, 0.5), NEUTRAL]
    for i in range(n):
        o, r, term, trunc, info = look(env, points[(i // 3) % len(points)])
        out.append((o.copy(), r, repr(sorted((k, str(v)) for k, v in info.items()))))
        if term or trunc:
            break
    return out


@pytest.mark.parametrize("cls", [VisualSearch, WhatThenWhere])
def test_determinism(cls):
    kwargs = {"delays": (2, 6)} if cls is WhatThenWhere else {}
    a = _script(cls(resolution=24, **kwargs), seed=11)
    b = _script(cls(resolution=24, **kwargs), seed=11)
    c = _script(cls(resolution=24, **kwargs), seed=12)
    assert len(a) == len(b)
    for (oa, ra, ia), (ob, rb, ib) in zip(a, b):
        assert np.array_equal(oa, ob) and ra == rb and ia == ib
    assert any(ia != ic for (_, _, ia), (_, _, ic) in zip(a, c))


@pytest.mark.parametrize("cls", [VisualSearch, WhatThenWhere])
def test_check_env(cls):
    check_env(cls(resolution=32), skip_render_check=True)


@pytest.mark.parametrize(
    ("cls", "kwargs", "match"),
    [
        (VisualSearch, {"search_mode": "colour"}, "search_mode.*'colour'"),
        (WhatThenWhere, {"stimuli": "all"}, "stimuli.*'all'"),
        (WhatThenWhere, {"delays": ()}, "delays.*empty"),
        (WhatThenWhere, {"delays": (4, 0)}, "delays.*0"),
        (WhatThenWhere, {"delays": (4, 2.5)}, "delays.*2.5"),
        (WhatThenWhere, {"delays": (True,)}, "delays.*True"),
        (WhatThenWhere, {"delays": "48"}, "delays.*'48'"),
        (WhatThenWhere, {"delays": 8}, "delays.*8"),
        (WhatThenWhere, {"episode_frames": 0}, "episode_frames"),
        (VisualSearch, {"max_trials": -1}, "max_trials"),
    ],
)
def test_bad_kwargs(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)
