"""The main job, ``python -m memory_bench``."""

import subprocess
import sys

from memory_bench.__main__ import main
from memory_bench.registry import ENVS


def test_main_lists_ids_and_plays_an_episode():
    proc = subprocess.run(
        [sys.executable, "-m", "memory_bench", "--steps", "40"], capture_output=True, text=True, check=True
    )
    out = proc.stdout
    assert f"{len(ENVS)} registered env ids" in out
    assert "MemoryMaze (64 ids)" in out
    assert "Alchemy (9 ids)" in out
    for env_id in ENVS:
        assert env_id in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("score ") and " in 40 steps; " in last and "steps/s" in last


def test_main_rejects_unknown_env(capsys):
    try:
        main(["--env", "MemoryMaze-8x8-v0"])
    except SystemExit as e:
        assert e.code == 2
    assert "unknown env id 'MemoryMaze-8x8-v0'" in capsys.readouterr().err
