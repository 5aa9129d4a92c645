"""``python -m memory_bench.data generate --backend ray``: Ray tasks on a local Ray started
by the test; the same files, byte for byte, as the local backend; resumable."""

from __future__ import annotations

import pytest

ray = pytest.importorskip("ray", reason="the Ray backend needs ray (pip install 'ray>=2.9')")

from memory_bench.data import generate as gen  # noqa: E402

ENV = "MemoryMaze-9x9-v0"


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def _bytes(folder, n):
    return [(folder / f"{i:06d}.npz").read_bytes() for i in range(n)]


def test_ray_backend_writes_the_local_backends_bytes_and_resumes(local_ray, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "ray"
    gen.generate(ENV, 4, local, workers=1, max_steps=15, seed=3, progress=False)
    s = gen.generate(ENV, 4, remote, workers=2, max_steps=15, seed=3, progress=False, backend="ray")
    assert s["written"] == 4 and s["steps"] == 4 * 15
    assert _bytes(local, 4) == _bytes(remote, 4)
    # interrupted: one file missing and a stray temporary file; the rerun fills the gap only
    (remote / "000002.npz").unlink()
    (remote / ".000002.npz.tmp").write_bytes(b"partial")
    s = gen.generate(ENV, 5, remote, workers=2, max_steps=15, seed=3, progress=False, backend="ray")
    assert (s["written"], s["skipped"], s["stray_temps_removed"]) == (2, 3, 1)
    gen.generate(ENV, 5, local, workers=1, max_steps=15, seed=3, progress=False)
    assert _bytes(local, 5) == _bytes(remote, 5)
    assert not list(remote.glob(".*.tmp"))


def test_ray_backend_from_the_command_line(local_ray, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = gen.main(["generate", "--env", ENV, "--episodes", "2", "--out", str(out), "--max-steps", "10",
                   "--backend", "ray", "--workers", "2", "--quiet"])
    assert rc == 0 and "wrote 2 trajectories" in capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.npz")) == ["000000.npz", "000001.npz"]


def test_backend_errors_name_the_value(tmp_path):
    with pytest.raises(ValueError, match="'spark'"):
        gen.generate(ENV, 1, tmp_path, backend="spark", progress=False)
    with pytest.raises(ValueError, match="address='ray://x:10001' is for backend='ray'"):
        gen.generate(ENV, 1, tmp_path, address="ray://x:10001", progress=False)
