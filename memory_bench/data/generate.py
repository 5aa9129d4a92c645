"""``python -m memory_bench.data generate``: trajectories of a scripted policy, one NPZ each.

Protocol:

* Episode ``i`` (0-based) of a run with ``--seed S`` uses the env seed and the agent seed
  drawn from ``numpy.random.SeedSequence([S, i])``; the env seed is stored in the file
  (key ``seed``). So a file depends only on (env id, ``--max-steps``, policy, ``S``, ``i``),
  not on the number of workers or on which run produced it, and the same seed gives
  byte-identical files.
* The episode is written to ``OUT/{i:06d}.npz`` (or ``OUT/train/...``, ``OUT/eval/...``
  with ``--split``: one index in 30 goes to eval, the original's 29k/1k) through a
  temporary file and ``os.replace``: an interrupted run leaves no partial ``.npz``.
  A rerun skips the episodes whose file exists and deletes stray temporary files; asking
  for more episodes extends a dataset. ``OUT/dataset.json`` records the settings, and a
  rerun with different settings (env, policy, seed, steps, split) is refused.
* ``--workers K`` processes (``spawn``), each with its own env, take episodes from a
  shared queue; a progress bar counts finished trajectories.
* ``--backend ray`` runs each episode as a Ray task instead (``ray.init()`` on this
  machine with ``--workers`` CPUs, or ``--address`` to join a running cluster). A task
  records its episode in a Ray worker (which keeps its env between tasks) and returns
  the arrays; this process writes every file, so the cluster needs no shared disk and
  the files are byte-identical to the local backend's for the same settings. At most
  twice as many tasks as CPUs are in flight, so memory stays bounded.
* The policies see the dict observation (image and probe keys); a plain image id is
  wrapped with :class:`memory_bench.wrappers.ProbeObservations` (``to="obs"``).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from memory_bench._io import atomic_write, positive_int
from memory_bench.data import EpisodeRecorder, save_npz, split_of

POLICIES = ("explorer", "random", "oracle")
BACKENDS = ("local", "ray")
METADATA = "dataset.json"
_WORKER: dict[str, Any] = {}


def episode_seeds(seed: int, index: int) -> tuple[int, int]:
    """(env seed, agent seed) of episode ``index`` of a run seeded ``seed``."""
    env_seed, agent_seed = np.random.SeedSequence([int(seed), int(index)]).generate_state(2)
    return int(env_seed), int(agent_seed)


def episode_path(out: Path, index: int, split: bool) -> Path:
    name = f"{index:06d}.npz"
    return out / split_of(index) / name if split else out / name


def make_env(env_id: str, max_steps: int | None = None):
    """The env of a dataset: ``env_id`` with a dict observation holding the probe keys."""
    import gymnasium as gym
    from gymnasium import spaces

    import memory_bench  # noqa: F401  (registers the ids)
    from memory_bench.wrappers import ProbeObservations

    kwargs: dict[str, Any] = {}
    if max_steps is not None:
        kwargs.update(max_steps=int(max_steps), max_episode_steps=int(max_steps))
    name = env_id if ":" in env_id else f"memory_bench:{env_id}"
    env = gym.make(name, **kwargs)
    if not isinstance(env.observation_space, spaces.Dict):
        env = ProbeObservations(env, to="obs")
    return env


def record_episode(env, policy: str, env_seed: int, agent_seed: int) -> dict[str, np.ndarray]:
    """Plays one full episode of ``policy`` and returns the file's arrays."""
    from memory_bench.agents import make_agent

    agent = make_agent(policy, seed=agent_seed)
    agent.reset()
    obs, info = env.reset(seed=env_seed)
    rec = EpisodeRecorder()
    rec.start(obs)
    while True:
        action = agent.act(obs, info)
        obs, reward, terminated, truncated, info = env.step(action)
        rec.add(action, reward, obs)
        if terminated or truncated:
            break
    arrays = rec.arrays()
    arrays["seed"] = np.array(env_seed, dtype=np.int64)
    return arrays


def _init_worker(env_id: str, max_steps: int | None, policy: str, seed: int, out: str, split: bool) -> None:
    _WORKER.update(env=make_env(env_id, max_steps), policy=policy, seed=seed, out=Path(out), split=split)


def _run_episode(index: int) -> tuple[int, int, float]:
    w = _WORKER
    env_seed, agent_seed = episode_seeds(w["seed"], index)
    arrays = record_episode(w["env"], w["policy"], env_seed, agent_seed)
    save_npz(episode_path(w["out"], index, w["split"]), arrays)
    return index, len(arrays["reward"]) - 1, float(arrays["reward"].sum())


def _ray_episode(args: tuple, index: int) -> dict[str, np.ndarray]:
    """A Ray task: episode ``index``'s arrays (the worker process keeps its env for the
    next task of the same run)."""
    if _WORKER.get("args") != args:
        _WORKER.clear()
        _init_worker(*args)
        _WORKER["args"] = args
    w = _WORKER
    env_seed, agent_seed = episode_seeds(w["seed"], index)
    return record_episode(w["env"], w["policy"], env_seed, agent_seed)


def _generate_ray(args: tuple, todo: list[int], workers: int, address: str | None, out: Path, split: bool, on_done):
    try:
        import ray
    except ImportError as e:
        raise SystemExit("--backend ray needs ray: pip install 'ray>=2.9'") from e
    started = not ray.is_initialized()
    if started:
        if address:
            ray.init(address=address, log_to_driver=False)
        else:
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        task = ray.remote(num_cpus=1)(_ray_episode)
        cpus = max(1, int(ray.cluster_resources().get("CPU", workers)))
        pending: dict[Any, int] = {}
        queue = list(todo)
        while queue or pending:
            while queue and len(pending) < 2 * cpus:
                i = queue.pop(0)
                pending[task.remote(args, i)] = i
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                i = pending.pop(ref)
                arrays = ray.get(ref)
                save_npz(episode_path(out, i, split), arrays)
                on_done(len(arrays["reward"]) - 1, float(arrays["reward"].sum()))
    finally:
        if started:
            ray.shutdown()


def _check_metadata(out: Path, meta: dict[str, Any]) -> None:
    path = out / METADATA
    if path.exists():
        old = json.loads(path.read_text())
        diff = {k: (old.get(k), v) for k, v in meta.items() if k != "episodes" and old.get(k) != v}
        if diff:
            raise SystemExit(
                f"{out} holds a dataset made with other settings ({', '.join(f'{k}: {a!r} there, {b!r} now' for k, (a, b) in diff.items())}); "
                "use another --out folder"
            )
        meta = dict(meta, episodes=max(int(old.get("episodes", 0)), meta["episodes"]))
    with atomic_write(path, "w", prefix=".dataset-") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


def _remove_stray_temps(folders: list[Path]) -> int:
    n = 0
    for folder in folders:
        for p in folder.glob(".*.tmp"):
            p.unlink(missing_ok=True)
            n += 1
    return n


def generate(
    env_id: str,
    episodes: int,
    out: str | os.PathLike,
    workers: int = 1,
    policy: str = "explorer",
    seed: int = 0,
    split: bool = False,
    max_steps: int | None = None,
    progress: bool = True,
    backend: str = "local",
    address: str | None = None,
) -> dict[str, Any]:
    """Generates (or completes) a dataset; returns a summary (episodes written, skipped, time).

    ``backend="ray"`` runs the episodes as Ray tasks (a local Ray with ``workers`` CPUs,
    or the cluster at ``address``); the files are the same as the local backend's."""
    from tqdm import tqdm

    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; choose one of {', '.join(POLICIES)}")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if address is not None and backend != "ray":
        raise ValueError(f"address={address!r} is for backend='ray' (got backend={backend!r})")
    out = Path(out)
    folders = [out / "train", out / "eval"] if split else [out]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    meta = {"env": env_id, "policy": policy, "seed": int(seed), "max_steps": max_steps, "split": bool(split), "episodes": int(episodes)}
    _check_metadata(out, meta)
    stray = _remove_stray_temps(folders)
    todo = [i for i in range(episodes) if not episode_path(out, i, split).exists()]
    done_before = episodes - len(todo)
    t0 = time.perf_counter()
    steps = 0
    rewards: list[float] = []
    bar = tqdm(total=episodes, initial=done_before, unit="traj", desc=f"{env_id} {policy}", disable=not progress, file=sys.stderr)
    args = (env_id, max_steps, policy, int(seed), str(out), bool(split))
    def done(n: int, r: float) -> None:
        nonlocal steps
        steps += n
        rewards.append(r)
        bar.update(1)

    try:
        if backend == "ray":
            if todo:
                _generate_ray(args, todo, workers, address, out, bool(split), done)
        elif workers <= 1 or len(todo) <= 1:
            _init_worker(*args)
            results = map(_run_episode, todo)
            for _, n, r in results:
                steps += n
                rewards.append(r)
                bar.update(1)
            _WORKER.clear()
        elif todo:
            ctx = mp.get_context("spawn")
            with ctx.Pool(min(workers, len(todo)), initializer=_init_worker, initargs=args) as pool:
                for _, n, r in pool.imap_unordered(_run_episode, todo):
                    steps += n
                    rewards.append(r)
                    bar.update(1)
    finally:
        bar.close()
    seconds = time.perf_counter() - t0
    return {
        "written": len(todo),
        "skipped": done_before,
        "stray_temps_removed": stray,
        "seconds": seconds,
        "steps": steps,
        "trajectories_per_minute": 60 * len(todo) / seconds if todo and seconds > 0 else None,
        "mean_reward": float(np.mean(rewards)) if rewards else None,
    }


_positive_int = positive_int


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m memory_bench.data", description="Offline Memory Maze datasets.")
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser(
        "generate",
        help="record trajectories of a scripted policy, one compressed NPZ each",
        description=(
            "Record trajectories of a scripted policy, one compressed NPZ per trajectory with the original "
            "Memory Maze dataset's keys. Resumable: rerun the same command to finish an interrupted run. "
            "The protocol is described in memory_bench/data/generate.py."
        ),
    )
    g.add_argument("--env", required=True, help="env id, e.g. MemoryMaze-9x9-v0")
    g.add_argument("--episodes", type=_positive_int, required=True, help="number of trajectories (in total, counting those already there)")
    g.add_argument("--out", required=True, help="output folder")
    g.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1, help="worker processes (default: the CPU cores)")
    g.add_argument("--policy", choices=POLICIES, default="explorer", help="scripted policy (default: explorer, the original's)")
    g.add_argument("--seed", type=int, default=0, help="run seed; episode i's seeds come from (seed, i)")
    g.add_argument("--split", action="store_true", help="write train/ and eval/ folders, one episode in 30 to eval (29k/1k)")
    g.add_argument("--max-steps", type=_positive_int, default=None, help="steps per trajectory (default: the env's episode length)")
    g.add_argument("--backend", choices=BACKENDS, default="local",
                   help="local: worker processes on this machine; ray: Ray tasks (default: local)")
    g.add_argument("--address", default=None,
                   help="with --backend ray: the address of a running Ray cluster (default: start Ray here)")
    g.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "generate":
        summary = generate(
            args.env, args.episodes, args.out, workers=args.workers, policy=args.policy, seed=args.seed,
            split=args.split, max_steps=args.max_steps, progress=not args.quiet, backend=args.backend,
            address=args.address,
        )
        rate = summary["trajectories_per_minute"]
        print(
            f"wrote {summary['written']} trajectories, skipped {summary['skipped']} already there"
            + (f", removed {summary['stray_temps_removed']} stray temporary files" if summary["stray_temps_removed"] else "")
            + f"; {summary['seconds']:.1f} s"
            + (f", {rate:.1f} trajectories/min" if rate else "")
            + (f", mean reward {summary['mean_reward']:.2f}" if summary["mean_reward"] is not None else "")
        )
    return 0
