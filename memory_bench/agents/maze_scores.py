"""Memory Maze scores of the scripted agents, next to the original's published table.

``python -m memory_bench.agents.maze_scores [--episodes 24] [--sizes 9 11 13 15]
[--policies oracle] [--workers N] [--json FILE]`` plays each policy on
``MemoryMaze-<N>x<N>-ExtraObs-v0`` for seeds ``seed .. seed + episodes - 1`` and prints
the mean, standard deviation and standard error per size beside the original README's
"mean human score" and "mean max score" (:data:`PUBLISHED`). The agents steer from the
probe values, not the image, so episodes are stepped without rendering (the physics
and rules are the same as ``env.step``'s).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from memory_bench._io import positive_int, write_json

#: the original README's table: size -> (mean human score, mean max score)
PUBLISHED = {9: (26.4, 34.8), 11: (44.3, 58.0), 13: (55.5, 74.5), 15: (67.7, 87.7)}


def play(size: int, policy: str, seed: int) -> float:
    """One episode's score of ``policy`` on the ``size`` maze of ``seed``, without images."""
    import gymnasium as gym

    import memory_bench  # noqa: F401  (registers the ids)
    from memory_bench.agents import make_agent

    env = gym.make(f"memory_bench:MemoryMaze-{size}x{size}-ExtraObs-v0")
    base = env.unwrapped
    base.reset(seed=seed)
    agent = make_agent(policy, seed=seed)
    agent.reset()
    score, truncated = 0.0, False
    while not truncated:
        reward, truncated = base._advance(agent.act(base.probe_observation(), None))
        score += reward
    env.close()
    return score


def _play(job: tuple[int, str, int]) -> float:
    return play(*job)


def scores(sizes: list[int], policies: list[str], episodes: int = 24, seed: int = 0, workers: int = 1,
           progress: bool = True) -> dict[str, dict[str, dict[str, float]]]:
    """``{size: {policy: {mean, sd, sem, episodes}}}`` (sizes as strings, for JSON)."""
    from tqdm import tqdm

    jobs = [(size, policy, seed + e) for size in sizes for policy in policies for e in range(episodes)]
    with tqdm(total=len(jobs), unit="ep", file=sys.stderr, disable=not progress, desc="maze scores") as bar:
        if workers > 1:
            with ProcessPoolExecutor(workers) as pool:
                values = []
                for v in pool.map(_play, jobs):
                    values.append(v)
                    bar.update()
        else:
            values = []
            for job in jobs:
                values.append(_play(job))
                bar.update()
    out: dict[str, dict[str, dict[str, float]]] = {}
    it = iter(values)
    for size in sizes:
        for policy in policies:
            v = np.array([next(it) for _ in range(episodes)])
            sd = float(v.std(ddof=1)) if len(v) > 1 else 0.0
            out.setdefault(str(size), {})[policy] = {
                "mean": float(v.mean()), "sd": sd, "sem": sd / float(np.sqrt(len(v))), "episodes": len(v),
            }
    return out


def table(results: dict[str, dict[str, dict[str, float]]]) -> str:
    """A markdown table: per size and policy, ours beside the published figures."""
    lines = ["| size | policy | mean ± s.e. (sd) | episodes | human (original) | max score (original) | ours / max |",
             "|---|---|---|---|---|---|---|"]
    for size, by_policy in results.items():
        human, best = PUBLISHED[int(size)]
        for policy, r in by_policy.items():
            lines.append(f"| {size}x{size} | {policy} | {r['mean']:.1f} ± {r['sem']:.1f} ({r['sd']:.1f}) | "
                         f"{r['episodes']} | {human:g} | {best:g} | {r['mean'] / best:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from memory_bench.agents import AGENTS

    p = argparse.ArgumentParser(prog="python -m memory_bench.agents.maze_scores", description=__doc__.split("\n\n")[0])
    p.add_argument("--episodes", type=positive_int, default=24)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--sizes", type=int, nargs="+", default=sorted(PUBLISHED))
    p.add_argument("--policies", nargs="+", default=["oracle"], help=f"any of {', '.join(AGENTS)}")
    p.add_argument("--workers", type=positive_int, default=1, help="processes (episodes run in parallel)")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    bad = [s for s in args.sizes if s not in PUBLISHED]
    if bad:
        p.error(f"unknown maze sizes {bad}; choose from {sorted(PUBLISHED)}")
    bad = [x for x in args.policies if x not in AGENTS]
    if bad:
        p.error(f"unknown policies {bad}; choose from {', '.join(AGENTS)}")
    results = scores(args.sizes, args.policies, args.episodes, args.seed, args.workers)
    print(table(results))
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
