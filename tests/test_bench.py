"""The benchmark CLI, ``python -m memory_bench.bench``."""

import json
import os
import subprocess
import sys

import pytest

from memory_bench.bench import main, original_task, write_json_atomic

ORIGINAL_PYTHON = "/work/orig-venv/bin/python"
FIELDS = ("make_s", "reset_first_s", "reset_s", "steps_per_s", "peak_rss_mib", "renderer")


def run_bench(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "memory_bench.bench", *args], capture_output=True, text=True, timeout=timeout
    )


def check_result(r, steps):
    for key in FIELDS:
        assert key in r, key
    assert r["steps"] == steps
    assert r["steps_per_s"] > 0
    assert 0 < r["make_s"] < 120 and 0 < r["reset_first_s"] < 120 and 0 < r["reset_s"] < 120
    assert r["peak_rss_mib"] > 10


@pytest.fixture(scope="module")
def bench_9x9(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "out.json"
    proc = run_bench("--ids", "MemoryMaze-9x9-v0", "--steps", "20", "--resets", "1", "--json", str(path))
    return proc, path


def test_json_has_every_field(bench_9x9):
    proc, path = bench_9x9
    assert proc.returncode == 0, proc.stderr
    data = json.loads(path.read_text())
    assert data["protocol"]["steps"] == 20 and data["protocol"]["resets"] == 1
    (r,) = data["results"]
    assert r["id"] == "MemoryMaze-9x9-v0" and r["impl"] == "memory_bench"
    check_result(r, 20)
    assert r["renderer"] == "cpu"
    assert len(r["reset_times_s"]) == 1
    assert "error" not in r
    assert [p.name for p in path.parent.iterdir()] == ["out.json"]  # no temporary file left


def test_table_names_the_id(bench_9x9):
    proc, _ = bench_9x9
    out = proc.stdout
    assert "steps/s" in out and "peak MiB" in out
    (row,) = [line for line in out.splitlines() if line.startswith("MemoryMaze-9x9-v0")]
    assert "memory_bench" in row and "cpu" in row


def test_unknown_id_is_named(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--ids", "MemoryMaze-9x9-v0", "MemoryMaze-1x1-v0"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "'MemoryMaze-1x1-v0'" in err and "python -m memory_bench --list-only" in err


def test_unknown_id_fails_from_the_command_line():
    proc = run_bench("--ids", "MemoryMaze-1x1-v0")
    assert proc.returncode == 2
    assert "unknown env id 'MemoryMaze-1x1-v0'" in proc.stderr


@pytest.mark.parametrize("option", ["--steps", "--resets"])
@pytest.mark.parametrize("value", ["0", "-3", "ten"])
def test_bad_counts_are_named(capsys, option, value):
    with pytest.raises(SystemExit) as e:
        main([option, value])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert option in err and repr(value) in err


def test_unknown_renderer_is_named(capsys):
    with pytest.raises(SystemExit):
        main(["--renderer", "vulkan"])
    assert "'vulkan'" in capsys.readouterr().err


def test_json_into_missing_directory_fails_without_files(tmp_path, capsys):
    target = tmp_path / "missing" / "out.json"
    with pytest.raises(SystemExit) as e:
        main(["--ids", "MemoryMaze-9x9-v0", "--json", str(target)])
    assert e.value.code == 2
    assert "does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_failed_json_write_leaves_nothing(tmp_path):
    path = tmp_path / "out.json"
    with pytest.raises(TypeError):
        write_json_atomic(str(path), {"not json": object()})
    assert list(tmp_path.iterdir()) == []
    path.write_text("old")
    with pytest.raises(TypeError):
        write_json_atomic(str(path), {"not json": object()})
    assert path.read_text() == "old" and list(tmp_path.iterdir()) == [path]


def test_original_task_mapping():
    assert original_task("MemoryMaze-9x9-v0") == "memory_maze_9x9"
    assert original_task("MemoryMaze-15x15-v0") == "memory_maze_15x15"
    assert original_task("MemoryMaze-9x9-Vis-v0") is None
    assert original_task("MemoryMaze-9x11-v0") is None


def test_compare_original_needs_its_python(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--compare-original"])
    assert e.value.code == 2
    assert "--compare-original needs --original-python" in capsys.readouterr().err


def test_compare_original_rejects_a_python_without_memory_maze(capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["--compare-original", "--original-python", str(tmp_path / "nope")])
    assert "is not an executable file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--compare-original", "--original-python", sys.executable])  # memory_maze is not installed here
    assert "'import memory_maze' failed" in capsys.readouterr().err


def test_help_describes_every_option():
    proc = run_bench("--help")
    assert proc.returncode == 0
    for option in ("--ids", "--steps", "--resets", "--seed", "--json", "--renderer", "--compare-original", "--original-python"):
        assert option in proc.stdout


@pytest.mark.skipif(not os.path.exists(ORIGINAL_PYTHON), reason=f"no original memory-maze install at {ORIGINAL_PYTHON}")
def test_compare_original(tmp_path):
    path = tmp_path / "out.json"
    proc = run_bench(
        "--ids", "MemoryMaze-9x9-v0", "MemoryMaze-9x9-Vis-v0", "--steps", "20", "--resets", "1",
        "--compare-original", "--original-python", ORIGINAL_PYTHON, "--json", str(path),
    )
    assert proc.returncode == 0, proc.stderr
    assert "ratio ours / original" in proc.stdout
    ratio_rows = proc.stdout.split("ratio ours / original")[1].splitlines()
    (plain,) = [line for line in ratio_rows if line.startswith("MemoryMaze-9x9-v0")]
    steps_ratio, reset_ratio = plain.split()[1:]  # like "7.1x  0.003x"
    assert float(steps_ratio.rstrip("x")) > 0 and float(reset_ratio.rstrip("x")) > 0
    (vis,) = [line for line in ratio_rows if line.startswith("MemoryMaze-9x9-Vis-v0")]
    assert vis.split()[1:] == ["n/a", "n/a"]

    data = json.loads(path.read_text())
    orig = [r for r in data["results"] if r["impl"] == "original"]
    assert [r["id"] for r in orig] == ["MemoryMaze-9x9-v0"]  # no original for the -Vis variant
    check_result(orig[0], 20)
    assert orig[0]["versions"]["memory-maze"] == "1.0.3"
    plain_ratio = data["ratios"][0]
    ours = [r for r in data["results"] if r["impl"] == "memory_bench" and r["id"] == "MemoryMaze-9x9-v0"][0]
    assert plain_ratio["steps_per_s"] == pytest.approx(ours["steps_per_s"] / orig[0]["steps_per_s"])
    assert plain_ratio["reset_s"] == pytest.approx(ours["reset_s"] / orig[0]["reset_s"])
    assert data["ratios"][1] == {"id": "MemoryMaze-9x9-Vis-v0", "original_task": None, "steps_per_s": None, "reset_s": None}


def test_vector_scaling_table(tmp_path):
    """--vector N measures the batched env and AsyncVectorEnv next to one env, that one
    env measured in the same process in alternating rounds."""
    path = tmp_path / "vec.json"
    proc = subprocess.run(
        [sys.executable, "-m", "memory_bench.bench", "--ids", "MemoryMaze-9x9-v0", "--steps", "20", "--resets", "1",
         "--vector", "2", "--json", str(path)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert "batched env-steps/s" in proc.stdout and "batched / async" in proc.stdout
    assert "one env (same process)" in proc.stdout
    data = json.loads(path.read_text())
    modes = {(r["impl"], r.get("num_envs")) for r in data["results"]}
    assert {("memory_bench", None), ("batched", 2), ("async", 2)} <= modes
    for r in data["results"]:
        assert r["steps_per_s"] > 0
        if r["impl"] in ("batched", "async"):
            assert r["one_env_steps_per_s"] > 0
            assert r["vs_one_env"] == pytest.approx(r["steps_per_s"] / r["one_env_steps_per_s"])
