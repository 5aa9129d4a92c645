"""Offline datasets: schema, determinism, resume, split, loading and sampling."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from memory_bench.data import KEYS, SPLIT_PERIOD, SequenceSampler, episode_files, load, save_npz, schema, split_of, windows
from memory_bench.data.generate import episode_seeds, generate, main

ENV = "MemoryMaze-9x9-v0"
STEPS = 12


def _gen(out, episodes=2, **kw):
    kw.setdefault("max_steps", STEPS)
    return generate(ENV, episodes, out, workers=1, progress=False, **kw)


def test_schema_is_exact(tmp_path):
    _gen(tmp_path, episodes=2, seed=7)
    files = episode_files(tmp_path)
    assert [f.name for f in files] == ["000000.npz", "000001.npz"]
    expected = schema(9, 3, STEPS)
    for i, path in enumerate(files):
        with np.load(path) as f:
            assert sorted(f.files) == sorted(KEYS + ("seed",))
            for key, (shape, dtype) in expected.items():
                assert f[key].shape == shape, key
                assert f[key].dtype == dtype, key
            action, reward = f["action"], f["reward"]
            assert (action[0] == 0).all() and reward[0] == 0
            assert (action[1:].sum(axis=1) == 1).all() and set(np.unique(action)) <= {0.0, 1.0}
            assert int(f["seed"]) == episode_seeds(7, i)[0]
            assert set(np.unique(f["maze_layout"])) <= {0, 1}
            assert (f["maze_layout"] == f["maze_layout"][0]).all()
            np.testing.assert_allclose(np.linalg.norm(f["agent_dir"], axis=1), 1.0, atol=1e-6)
    meta = json.loads((tmp_path / "dataset.json").read_text())
    assert meta["env"] == ENV and meta["seed"] == 7 and meta["max_steps"] == STEPS


def test_recorded_episode_replays_in_the_env(tmp_path):
    """The file's actions, replayed from its seed, give its images (index 0 = before the first action)."""
    from memory_bench.data.generate import make_env

    _gen(tmp_path, episodes=1, seed=3)
    ep = next(load(tmp_path))
    env = make_env(ENV, STEPS)
    obs, _ = env.reset(seed=int(ep["seed"]))
    np.testing.assert_array_equal(obs["image"], ep["image"][0])
    for t in range(1, STEPS + 1):
        obs, reward, *_ = env.step(int(ep["action"][t].argmax()))
        np.testing.assert_array_equal(obs["image"], ep["image"][t])
        np.testing.assert_array_equal(obs["agent_pos"], ep["agent_pos"][t])
        assert reward == ep["reward"][t]
    env.close()


def test_same_seed_same_bytes(tmp_path):
    _gen(tmp_path / "a", seed=1)
    _gen(tmp_path / "b", seed=1)
    _gen(tmp_path / "c", seed=2)
    for name in ("000000.npz", "000001.npz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "c" / name).read_bytes()


def test_resume_skips_finished_and_removes_stray_temps(tmp_path):
    first = _gen(tmp_path, episodes=2, seed=0)
    assert first["written"] == 2
    kept = (tmp_path / "000000.npz").read_bytes()
    (tmp_path / "000001.npz").unlink()
    (tmp_path / ".000001.npz.12345.tmp").write_bytes(b"half a file")
    second = _gen(tmp_path, episodes=3, seed=0)
    assert (second["written"], second["skipped"], second["stray_temps_removed"]) == (2, 1, 1)
    assert (tmp_path / "000000.npz").read_bytes() == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["000000.npz", "000001.npz", "000002.npz", "dataset.json"]
    third = _gen(tmp_path, episodes=3, seed=0)
    assert (third["written"], third["skipped"]) == (0, 3)


def test_other_settings_are_refused(tmp_path):
    _gen(tmp_path, episodes=1, seed=0)
    with pytest.raises(SystemExit, match="seed"):
        _gen(tmp_path, episodes=1, seed=1)


def test_interrupted_generation_leaves_no_partial_file_and_resumes(tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "memory_bench.data", "generate", "--env", ENV, "--episodes", "40", "--out", str(out),
           "--workers", "1", "--max-steps", "40", "--seed", "5", "--quiet"]
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(list(out.glob("0*.npz"))) < 2:
            time.sleep(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    done = sorted(out.glob("0*.npz"))
    assert 2 <= len(done) < 40
    for path in done:  # every finished name is a whole file
        with np.load(path) as f:
            assert f["image"].shape == (41, 64, 64, 3)
    summary = generate(ENV, 3 + len(done), out, workers=1, seed=5, max_steps=40, progress=False)
    assert summary["skipped"] == len(done) and summary["written"] == 3
    assert not list(out.glob(".*.tmp"))
    # the resumed run wrote what an uninterrupted run writes
    generate(ENV, 1, tmp_path / "fresh", workers=1, seed=5, max_steps=40, progress=False)
    assert (tmp_path / "fresh" / "000000.npz").read_bytes() == (out / "000000.npz").read_bytes()


def test_split_proportions_and_folders(tmp_path):
    splits = [split_of(i) for i in range(30000)]
    assert splits.count("eval") == 1000 and splits.count("train") == 29000
    assert split_of(SPLIT_PERIOD - 1) == "eval"
    assert main(["generate", "--env", ENV, "--episodes", "1", "--out", str(tmp_path), "--workers", "1",
                 "--max-steps", "5", "--split", "--quiet", "--policy", "random"]) == 0
    assert (tmp_path / "train" / "000000.npz").exists() and (tmp_path / "eval").is_dir()


def test_parallel_workers_match_one_worker(tmp_path):
    generate(ENV, 2, tmp_path / "p", workers=2, seed=4, max_steps=8, progress=False, policy="oracle")
    generate(ENV, 2, tmp_path / "s", workers=1, seed=4, max_steps=8, progress=False, policy="oracle")
    for name in ("000000.npz", "000001.npz"):
        assert (tmp_path / "p" / name).read_bytes() == (tmp_path / "s" / name).read_bytes()


def _fake_dataset(root, lengths):
    root.mkdir()
    for i, n in enumerate(lengths):
        save_npz(root / f"{i:06d}.npz", {
            "agent_pos": np.stack([np.arange(n), np.full(n, i)], axis=1).astype(np.float64),
            "action": np.eye(6)[np.arange(n) % 6],
            "seed": np.array(i, dtype=np.int64),
        })


def test_load_and_sequence_sampler(tmp_path):
    _fake_dataset(tmp_path / "d", [20, 30, 12])
    eps = list(load(tmp_path / "d", keys=["agent_pos"]))
    assert [len(e["agent_pos"]) for e in eps] == [20, 30, 12] and list(eps[0]) == ["agent_pos"]
    sampler = SequenceSampler(tmp_path / "d", seq_len=10, batch_size=64, keys=("agent_pos", "action"), seed=0, pool_size=2)
    seen = set()
    for _, batch in zip(range(5), sampler):
        assert batch["agent_pos"].shape == (64, 10, 2) and batch["action"].shape == (64, 10, 6)
        steps, episode = batch["agent_pos"][..., 0], batch["agent_pos"][..., 1]
        assert (np.diff(steps, axis=1) == 1).all()          # contiguous windows
        assert (episode == episode[:, :1]).all()             # of one episode each
        np.testing.assert_array_equal(batch["action"].argmax(-1), steps.astype(int) % 6)
        seen |= set(episode[:, 0].astype(int))
    assert seen == {0, 1, 2}                                 # the pool streams through every file
    again = SequenceSampler(tmp_path / "d", seq_len=10, batch_size=64, keys=("agent_pos",), seed=0, pool_size=2)
    other = SequenceSampler(tmp_path / "d", seq_len=10, batch_size=64, keys=("agent_pos",), seed=0, pool_size=2)
    np.testing.assert_array_equal(again.sample()["agent_pos"], other.sample()["agent_pos"])
    with pytest.raises(ValueError, match="time axis"):
        SequenceSampler(tmp_path / "d", seq_len=5, batch_size=2, keys=("seed",))
    assert [w["agent_pos"][0, 0] for w in windows(eps[1], 10)] == [0, 10, 20]
