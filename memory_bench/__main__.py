"""``python -m memory_bench``: list the registered tasks and play one short episode.

Prints every task family with its ids, then plays ``MemoryMaze-9x9-v0`` (or ``--env``)
with a uniformly random agent and prints its score and speed.
"""

from __future__ import annotations

import argparse
import sys
import time

import gymnasium as gym
import numpy as np

import memory_bench
from memory_bench.registry import ENVS, families, hold_out_kwargs


def play_random(env_id: str, steps: int, seed: int) -> dict[str, float]:
    """Plays ``steps`` steps (or until the episode ends) with uniformly random actions."""
    env = gym.make(f"memory_bench:{env_id}", **hold_out_kwargs(env_id))
    try:
        t0 = time.perf_counter()
        env.reset(seed=seed)
        reset_s = time.perf_counter() - t0
        env.action_space.seed(seed)
        score, n = 0.0, 0
        t0 = time.perf_counter()
        for n in range(1, steps + 1):
            _, reward, terminated, truncated, _ = env.step(env.action_space.sample())
            score += float(reward)
            if terminated or truncated:
                break
        elapsed = time.perf_counter() - t0
    finally:
        env.close()
    return {"score": score, "steps": n, "steps_per_s": n / elapsed, "reset_s": reset_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memory_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="MemoryMaze-9x9-v0", help="env id to play (default: %(default)s)")
    parser.add_argument("--steps", type=int, default=1000, help="steps to play at most (default: a full 9x9 episode)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--list-only", action="store_true", help="only list the registered ids")
    args = parser.parse_args(argv)
    if args.env not in ENVS:
        parser.error(f"unknown env id {args.env!r}; registered ids are listed by: python -m memory_bench --list-only")
    if args.steps < 1:
        parser.error(f"--steps must be positive, got {args.steps}")

    print(f"memory_bench {memory_bench.__version__}: {len(ENVS)} registered env ids")
    for family, ids in families().items():
        print(f"\n{family} ({len(ids)} ids)")
        for i in range(0, len(ids), 4):
            print("  " + "  ".join(f"{env_id:<36}" for env_id in ids[i:i + 4]).rstrip())
    if args.list_only:
        return 0
    print(f"\nPlaying {args.env} with a random agent for up to {args.steps} steps (seed {args.seed}) ...")
    result = play_random(args.env, args.steps, args.seed)
    print(
        f"score {result['score']:g} in {result['steps']} steps; "
        f"{result['steps_per_s']:.1f} steps/s; reset {result['reset_s'] * 1e3:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    sys.exit(main())
