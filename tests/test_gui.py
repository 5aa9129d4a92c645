"""The pygame player, ``python -m memory_bench.gui``: scripted play, recording, replay, scores."""

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

pygame = pytest.importorskip("pygame")

import memory_bench  # noqa: E402
from memory_bench.gui import RecordingError, key_map_for, load_episode, replay_check, resolve_action  # noqa: E402
from memory_bench.gui import app, scores  # noqa: E402
from memory_bench.gui.recording import PROBE_KEYS, load_metadata, save_episode  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STEPS = 20
# keys held at each step, and the action each must give (noop 0, forward 1, left 2,
# right 3, forward_left 4, forward_right 5)
SCRIPT = [
    ({"up"}, 1), ({"up"}, 1), ({"w"}, 1), ({"up"}, 1), ({"left"}, 2), ({"a"}, 2), ({"right"}, 3), ({"d"}, 3),
    ({"up", "left"}, 4), ({"w", "a"}, 4), ({"up", "right"}, 5), ({"w", "d"}, 5), (set(), 0), ({"space"}, 0),
    ({"0"}, 0), ({"up", "left"}, 4), ({"up"}, 1), ({"up"}, 1), (set(), 1), ({"right"}, 3),
]
TAP_STEP = 18  # at this step no key is held, but W is tapped (a KEYDOWN event): forward
PAUSE_AT, PAUSE_FRAMES = 10, 3


def key(k):
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=0)


def post(k):
    pygame.event.post(key(k))


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One 20-step episode of MemoryMaze-9x9-v0 through the real loop (``main``), keys
    from SCRIPT, a pause of a few frames in the middle, Enter on the summary screen."""
    out = tmp_path_factory.mktemp("recordings")
    seen = {"frames": 0, "paused_frames": 0, "player": None}
    state = {"paused": False, "pause_left": PAUSE_FRAMES}

    def script(player):
        seen["frames"] += 1
        seen["player"] = player
        steps = player.recorder.steps
        if player.state == "summary":
            post(pygame.K_RETURN)
            return set()
        if steps == PAUSE_AT and not state["paused"] and state["pause_left"]:
            post(pygame.K_p)  # pause now ...
            state["paused"] = True
            return set()
        if state["paused"]:
            seen["paused_frames"] += 1
            state["pause_left"] -= 1
            if state["pause_left"] == 0:
                post(pygame.K_p)  # ... and resume: this frame steps again
                state["paused"] = False
                return SCRIPT[steps][0]
            return {"up"}  # held while paused: must not step
        if steps == TAP_STEP:
            post(pygame.K_w)
            return set()
        return SCRIPT[steps][0]

    rc = app.main(
        ["--max-steps", str(STEPS), "--episodes", "1", "--seed", "5", "--player", "tester", "--out", str(out), "--fps", "0"],
        script=script,
    )
    assert rc == 0
    files = sorted(out.glob("*.npz"))
    assert len(files) == 1
    return {"path": files[0], "out": out, **seen}


def test_recording_has_the_dataset_keys_shapes_and_dtypes(played):
    arrays, meta = load_episode(played["path"])
    n = STEPS + 1
    assert set(arrays) == {"image", "action", "reward", *PROBE_KEYS}
    assert arrays["image"].shape == (n, 64, 64, 3) and arrays["image"].dtype == np.uint8
    assert arrays["action"].shape == (n, 6) and arrays["action"].dtype == np.float32
    assert arrays["reward"].shape == (n,) and arrays["reward"].dtype == np.float32
    shapes = {"agent_pos": (2,), "agent_dir": (2,), "targets_pos": (3, 2), "targets_vec": (3, 2),
              "target_pos": (2,), "target_vec": (2,), "target_color": (3,), "maze_layout": (9, 9)}
    for k, shape in shapes.items():
        assert arrays[k].shape == (n, *shape), k
    assert arrays["maze_layout"].dtype == np.uint8
    assert meta["seed"] == 5 and meta["env_id"] == "MemoryMaze-9x9-v0" and meta["player"] == "tester"
    assert meta["version"] == memory_bench.__version__
    assert meta["steps"] == STEPS and meta["complete"] and meta["max_episode_steps"] == STEPS
    assert dt.datetime.fromisoformat(meta["date"]).tzinfo is not None
    # the first frame is the reset observation and the agent moved during the episode
    assert not np.array_equal(arrays["agent_pos"][0], arrays["agent_pos"][-1])
    assert not list(played["out"].glob("*.tmp")) and not list(played["out"].glob(".*"))


def test_actions_are_the_keys_pressed(played):
    arrays, _ = load_episode(played["path"])
    action = arrays["action"]
    assert not action[0].any()
    assert np.all(action[1:].sum(1) == 1) and set(np.unique(action)) <= {0.0, 1.0}
    assert action[1:].argmax(1).tolist() == [a for _, a in SCRIPT]
    # the pause held "up" for some frames without stepping
    assert played["paused_frames"] == PAUSE_FRAMES and played["frames"] > STEPS + PAUSE_FRAMES


def test_reward_sum_is_the_score(played):
    arrays, meta = load_episode(played["path"])
    assert arrays["reward"][0] == 0
    assert float(arrays["reward"].sum()) == meta["score"] == played["player"].score
    assert played["player"].completed == 1 and played["player"].state == "done"


def test_replay_check_passes_and_catches_a_changed_recording(played, tmp_path):
    assert replay_check(played["path"])
    arrays, meta = load_episode(played["path"])
    act = arrays["action"].copy()
    act[3] = np.roll(act[3], 1)  # another action at step 3
    meta.pop("date")
    bad = save_episode(tmp_path, {**arrays, "action": act}, meta)
    assert not replay_check(bad)


def test_replay_mode_shows_every_frame(played):
    shown = []

    def script(viewer):
        shown.append(viewer.t)
        if viewer.state == "summary":
            post(pygame.K_ESCAPE)
        return set()

    assert app.main(["--replay", str(played["path"]), "--fps", "0"], script=script) == 0
    assert shown[0] == 0 and max(shown) == STEPS and shown == sorted(shown)


def test_screen_shows_view_and_target_swatch(tmp_path):
    player = app.Player("MemoryMaze-9x9-v0", seed=1, out=tmp_path, max_steps=5, fps=0, player="p")
    try:
        player.tick({"up"})
        player.draw()
        screen = pygame.display.get_surface()
        assert screen.get_size() == app.WINDOW
        # the view is the observation scaled 8x; its border is the target colour * 0.7
        assert tuple(screen.get_at((3, 3)))[:3] == tuple(player.image[0, 0])
        assert tuple(screen.get_at((255, 300)))[:3] == tuple(player.image[300 // 8, 255 // 8])
        swatch = tuple(int(round(255 * c)) for c in player.probes["target_color"])
        found = {tuple(screen.get_at((x, y)))[:3] for x in range(app.VIEW, app.WINDOW[0], 4) for y in range(0, 200, 4)}
        assert swatch in found
    finally:
        player.close()


def test_restart_and_quit_record_partial_episodes(tmp_path):
    player = app.Player("MemoryMaze-9x9-v0", seed=7, out=tmp_path, max_steps=50, fps=0, player="q")
    frames = iter([{"up"}, {"up"}, "R", {"left"}, {"left"}, "ESC"])

    def script(p):
        item = next(frames)
        if item == "R":
            post(pygame.K_r)
            return set()
        if item == "ESC":
            post(pygame.K_ESCAPE)
            return set()
        return item

    player.run(script)
    metas = sorted((load_metadata(p) for p in tmp_path.glob("*.npz")), key=lambda m: m["seed"])
    # the frame that restarts also steps the new episode (no key held: noop)
    assert [(m["seed"], m["steps"], m["complete"]) for m in metas] == [(7, 2, False), (8, 3, False)]
    assert player.completed == 0
    # the score table counts complete episodes only
    assert scores.main([str(tmp_path)]) == 1


def test_dict_observation_ids_record_their_own_probe_keys(tmp_path):
    player = app.Player("MemoryMaze-9x9-Oracle-ExtraObs-v0", res=32, seed=2, out=tmp_path, max_steps=3, fps=0)
    try:
        for _ in range(3):
            player.tick({"up"})
        player.draw()
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (4, 32, 32, 3) and meta["make_kwargs"] == {"camera_resolution": 32}
    assert (arrays["maze_layout"] == 2).any()  # the oracle's path, as in the observation
    assert replay_check(player.saved[0])


def test_key_map_from_action_names_and_declared_by_the_env():
    import gymnasium as gym

    env = gym.make("memory_bench:MemoryMaze-9x9-v0", camera_resolution=16)
    try:
        km = key_map_for(env)
        assert resolve_action(km, set()) == 0
        assert resolve_action(km, {"up", "left"}) == 4 and resolve_action(km, {"w", "d"}) == 5
        assert resolve_action(km, {"up", "escape"}) == 1
        env.unwrapped.key_map = {"forward": "i", "left": ["j"], 3: ("l",), "forward_left": "i+j"}
        km = key_map_for(env)
        assert km[1] == (("i",),) and km[4] == (("i", "j"),)
        assert resolve_action(km, {"i", "j"}) == 4 and resolve_action(km, {"up"}) == 0
        env.unwrapped.key_map = {"jump": "x"}
        with pytest.raises(ValueError, match="'jump'"):
            key_map_for(env)
    finally:
        env.close()


def test_scores_table_beside_the_human_scores(played, tmp_path):
    shutil.copy(played["path"], tmp_path)
    arrays = {k: v[:2] for k, v in load_episode(played["path"])[0].items()}
    for env_id, s in [("MemoryMaze-9x9-v0", 20), ("MemoryMaze-9x9-v0", 25), ("MemoryMaze-9x9-v0", 30),
                      ("MemoryMaze-11x11-v0", 40), ("MemoryMaze-9x9-Vis-v0", 12)]:
        save_episode(tmp_path, arrays, {"seed": 0, "env_id": env_id, "player": "ann", "score": s, "steps": 1000,
                                        "complete": True, "max_episode_steps": None, "make_kwargs": {}})
    (tmp_path / "junk.npz").write_text("not a recording")
    proc = subprocess.run([sys.executable, "-m", "memory_bench.gui.scores", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split("  ")[0].strip(): line.split() for line in proc.stdout.splitlines() if line.startswith("Memory")}
    assert rows["MemoryMaze-9x9-v0"][1:] == ["3", "25.00", "2.89", "26.4"]
    assert rows["MemoryMaze-11x11-v0"][1:] == ["1", "40.00", "n/a", "44.3"]
    assert rows["MemoryMaze-9x9-Vis-v0"][1:] == ["1", "12.00", "n/a", "n/a"]
    assert rows["MemoryMaze-9x9-v0 (max 20 steps)"][-1] == "n/a"
    assert "human (original)" in proc.stdout
    assert "junk.npz" in proc.stderr


def test_scores_of_a_missing_or_empty_folder(tmp_path, capsys):
    assert scores.main([str(tmp_path / "nope")]) == 2
    assert "no folder" in capsys.readouterr().err
    assert scores.main([str(tmp_path)]) == 1
    assert "no complete episode recordings" in capsys.readouterr().out


def test_errors_bad_env_id_and_bad_files(tmp_path, capsys):
    proc = subprocess.run([sys.executable, "-m", "memory_bench.gui", "--env", "MemoryMaze-8x8-v0"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "unknown env id 'MemoryMaze-8x8-v0'" in proc.stderr
    with pytest.raises(ValueError, match="unknown env id"):
        app.Player("Nope-v0", out=tmp_path)
    junk = tmp_path / "junk.npz"
    junk.write_text("hello")
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    for path, message in [(tmp_path / "missing.npz", "no recording at"), (junk, "not an .npz file"),
                          (other, "missing key")]:
        with pytest.raises(SystemExit) as e:
            app.main(["--replay", str(path)])
        assert e.value.code == 2 and message in capsys.readouterr().err
        with pytest.raises(RecordingError, match=message):
            replay_check(path)
    for argv in (["--res", "8"], ["--episodes", "0"], ["--max-steps", "0"], ["--fps", "-1"]):
        with pytest.raises(SystemExit):
            app.main(argv)


def test_atomic_save_leaves_no_partial_file(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", boom)
    with pytest.raises(OSError, match="disk full"):
        save_episode(tmp_path, {"image": np.zeros((1, 4, 4, 3), np.uint8)},
                     {"seed": 0, "env_id": "MemoryMaze-9x9-v0", "player": "x", "score": 0, "steps": 0})
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- Alchemy (turn-based)

ALCHEMY = "Alchemy-perceptual_mapping_randomized_with_rotation_and_random_bottleneck-v0"
A_STEPS = 6
# Seed 314 (spec section 11): stones perceived (-1,-1,0) sum -1, (0,-1,1) sum +1,
# (-1,1,0) sum -3; stone 1 into potion 1 makes it the sum -3 stone (-1,1,0).
# Each item: a key (or a click) and the number of steps played once it is handled.
A_SCRIPT = [
    ("1", 0), ("return", 1),  # stone 1 into potion 1 (the first one selected): action 2
    ("c", 1), ("return", 2),  # stone 1 into the cauldron: -3, action 1
    ("return", 3),  # stone 2 is selected now (stone 1 is gone), still the cauldron: +1, action 14
    ("space", 4),  # noop: action 0
    ("e", 4),  # no end-trial action on this level: nothing played
    ("p", 4), ("return", 4), ("p", 4),  # paused: Enter plays nothing
    (("click", "stone", 2), 4), (("click", "potion", 2), 4), ("left", 4), ("right", 4),  # stone 3, potion 3
    ("enter", 5),  # keypad Enter: stone 3 into potion 3, action 2 + 13 * 2 + 2 = 30
    ("3", 5), ("up", 5), ("down", 5), ("return", 6),  # stone 3 again, into potion 4: action 31; time limit
]
A_ACTIONS = [2, 1, 14, 0, 30, 31]
A_REWARDS = [0, -3, 1, 0, 0, 0]


def click_pos(kind, index):
    from memory_bench.envs.alchemy import view

    x, y, w, h = view._STONE_CARDS[index] if kind == "stone" else view._POTION_CELLS[index]
    return (x + w // 2, y + h // 2)


@pytest.fixture(scope="module")
def alchemy_played(tmp_path_factory):
    """A 6-step Alchemy episode (``--max-steps 6``) through the real loop (``main``),
    the id given with the ``memory_bench:`` prefix, key presses and clicks from
    A_SCRIPT, Enter on the summary screen."""
    out = tmp_path_factory.mktemp("alchemy_recordings")
    items = iter(A_SCRIPT)
    seen = {"rounds": 0, "steps": [], "player": None, "messages": []}

    def script(player):
        seen["rounds"] += 1
        seen["player"] = player
        assert seen["rounds"] < 200, "the loop did not finish"
        seen["messages"].append(player.controls.message)
        if player.state == "summary":
            post(pygame.K_RETURN)
            return ()
        if seen["steps"]:  # the steps played after the previous item
            assert player.recorder.steps == seen["steps"][-1][1], seen["steps"][-1]
        item, steps = next(items)
        seen["steps"].append((item, steps))
        if isinstance(item, tuple):
            pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=click_pos(item[1], item[2])))
        else:
            post(pygame.key.key_code(item) if item != "enter" else pygame.K_KP_ENTER)
        return ()

    rc = app.main(
        ["--env", f"memory_bench:{ALCHEMY}", "--max-steps", str(A_STEPS), "--episodes", "1", "--seed", "314",
         "--player", "tester", "--out", str(out)],
        script=script,
    )
    assert rc == 0
    files = sorted(out.glob("*.npz"))
    assert len(files) == 1
    return {"path": files[0], "out": out, **seen}


def test_alchemy_plays_one_step_per_decision(alchemy_played):
    player = alchemy_played["player"]
    assert isinstance(player, app.TurnPlayer) and player.env_id == ALCHEMY
    assert [s for _, s in alchemy_played["steps"]] == [s for _, s in A_SCRIPT]  # every item was handled
    assert player.completed == 1 and player.state == "done" and player.score == -2
    assert any("no end-trial action" in m for m in alchemy_played["messages"])
    assert any("stone 1 into the cauldron: -3" in m for m in alchemy_played["messages"])


def test_alchemy_recording_holds_the_symbolic_observation(alchemy_played):
    arrays, meta = load_episode(alchemy_played["path"])
    n = A_STEPS + 1
    assert set(arrays) == {"observation", "action", "reward", "trial_number", "steps_this_trial"}
    assert arrays["observation"].shape == (n, 39) and arrays["observation"].dtype == np.float32
    assert arrays["action"].shape == (n, 40) and not arrays["action"][0].any()
    assert arrays["action"][1:].argmax(1).tolist() == A_ACTIONS
    assert arrays["reward"].tolist() == [0, *A_REWARDS]
    assert meta["score"] == -2 and meta["steps"] == A_STEPS and meta["complete"] and meta["env_id"] == ALCHEMY
    assert arrays["trial_number"].tolist() == [0] * n and arrays["steps_this_trial"].tolist() == list(range(n))
    # the observations are the env's: stone 1 after potion 1 (spec 11), then cashed
    np.testing.assert_allclose(arrays["observation"][1][:5], [-1, 1, 0, -1, 0])
    np.testing.assert_array_equal(arrays["observation"][2][:5], [2, 2, 2, 2, 1])
    assert arrays["observation"][1][16] == 1  # potion 1 used
    assert replay_check(alchemy_played["path"])


def test_alchemy_replay_check_catches_a_changed_recording(alchemy_played, tmp_path):
    arrays, meta = load_episode(alchemy_played["path"])
    act = arrays["action"].copy()
    act[5] = np.roll(act[5], 1)
    meta.pop("date")
    bad = save_episode(tmp_path, {**arrays, "action": act}, meta)
    assert not replay_check(bad)


def test_alchemy_replay_mode_draws_the_board(alchemy_played):
    shown = []

    def script(viewer):
        shown.append(viewer.t)
        if viewer.state == "summary":
            post(pygame.K_ESCAPE)
        return set()

    assert app.main(["--replay", str(alchemy_played["path"]), "--fps", "0"], script=script) == 0
    assert shown[0] == 0 and max(shown) == A_STEPS and shown == sorted(shown)


def test_alchemy_screen_shows_stones_potions_and_selection(tmp_path):
    from memory_bench.envs.alchemy import view

    player = app.Player(ALCHEMY, seed=314, out=tmp_path, player="p")
    try:
        assert isinstance(player, app.TurnPlayer)
        player.draw()
        screen = pygame.display.get_surface()
        assert screen.get_size() == app.WINDOW
        x, y, w, h = view._STONE_CARDS[0]
        assert tuple(screen.get_at((x + w // 2, y + 86)))[:3] == view.STONE_COLOURS[-1][1]  # stone 1 is purple
        assert tuple(screen.get_at((x + 1, y + h // 2)))[:3] == view.ACCENT  # and selected
        x, y, w, h = view._POTION_CELLS[0]
        assert tuple(screen.get_at((x + w // 2, y + h - 18)))[:3] == view.POTION_COLOURS[5][1]  # turquoise
        # selection keys change the selection but play nothing
        for name in ("2", "right", "right", "c", "left"):
            assert player.controls.key(name) is None
        assert (player.controls.stone, player.controls.target) == (1, 11) and player.recorder.steps == 0
        assert player.controls.key("return") == player.env.unwrapped.action_for(1, 11) == 26
    finally:
        player.close()


def test_alchemy_end_trial_key_with_env_kwarg(tmp_path):
    player = app.Player(ALCHEMY, seed=3, out=tmp_path, env_kwargs={"end_trial_action": True}, max_steps=3,
                        episodes=1)
    events = iter([pygame.K_e, pygame.K_SPACE, pygame.K_e, pygame.K_RETURN])

    def script(p):
        post(next(events))

    player.run(script)
    arrays, meta = load_episode(player.saved[0])
    assert arrays["action"].shape == (4, 41) and arrays["action"][1:].argmax(1).tolist() == [0, 1, 0]
    assert arrays["trial_number"].tolist() == [0, 1, 1, 2] and meta["make_kwargs"] == {"end_trial_action": True}
    assert replay_check(player.saved[0])


def test_alchemy_command_line_errors(tmp_path, capsys):
    for argv, message in [(["--env", ALCHEMY, "--res", "64"], "--res is for image envs"),
                          (["--env", ALCHEMY, "--env-kwarg", "nope"], "KEY=VALUE"),
                          (["--env", ALCHEMY, "--env-kwarg", "colour=1", "--out", str(tmp_path)], "--env-kwarg")]:
        with pytest.raises(SystemExit) as e:
            app.main(argv)
        assert e.value.code == 2 and message in capsys.readouterr().err
    assert not app.is_turn_based("MemoryMaze-9x9-v0") and app.is_turn_based(f"memory_bench:{ALCHEMY}")


@pytest.mark.parametrize("env_id", ["DMLab-skymaze_irreversible_path_varied-v0", "DMLab-natlab_varying_map_regrowth-v0"])
def test_gui_plays_levels_with_heights(env_id, tmp_path):
    """Sky mazes (platforms) and NatLab (terrain): played, recorded and replayed."""
    player = app.Player(env_id, seed=1, out=tmp_path, max_steps=4, fps=0)
    try:
        for k in ({"up"}, {"left"}, {"up"}, {"up"}):
            player.tick(k)
    finally:
        player.close()
    arrays, meta = load_episode(player.saved[0])
    assert arrays["image"].shape == (5, 72, 96, 3) and replay_check(player.saved[0])
