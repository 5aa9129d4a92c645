"""``python -m memory_bench.envs.psychlab.scores``: random and oracle returns per level.

Episode ``i`` is ``env.reset(seed=i)``; the random agent's action sampler is seeded
with ``i`` too. Prints a Markdown table: mean ± standard error of the episode return
for uniformly random actions and for the privileged oracle
(:class:`memory_bench.agents.psychlab.PsychLabOracle`), next to the published human
and random scores where the spec gives them (DMLab-30, from DeepMind's IMPALA code).
"""

from __future__ import annotations

import argparse
import math
import time

import gymnasium as gym

from memory_bench.registry import ENVS

DEFAULT_IDS = [
    "DMLab-psychlab_arbitrary_visuomotor_mapping-v0",
    "DMLab-psychlab_continuous_recognition-v0",
    "DMLab-psychlab_sequential_comparison-v0",
    "DMLab-psychlab_visual_search-v0",
    "MemoryTasks-arbitrary_visuomotor_mapping_train-v0",
    "MemoryTasks-change_detection_train-v0",
    "MemoryTasks-continuous_recognition_train-v0",
    "MemoryTasks-what_then_where_train-v0",
]


def play(env_id: str, agent_name: str, seed: int) -> tuple[float, int]:
    """One episode: (return, steps)."""
    from memory_bench.agents.psychlab import PsychLabOracle, PsychLabRandomAgent

    env = gym.make(f"memory_bench:{env_id}")
    agent = PsychLabOracle(env) if agent_name == "oracle" else PsychLabRandomAgent(env, seed=seed)
    env.reset(seed=seed)
    agent.reset()
    total, steps = 0.0, 0
    while True:
        _, reward, terminated, truncated, _ = env.step(agent.act())
        total += float(reward)
        steps += 1
        if terminated or truncated:
            env.close()
            return total, steps


def mean_se(values: list[float]) -> tuple[float, float]:
    n = len(values)
    mean = sum(values) / n
    se = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1) / n) if n > 1 else float("nan")
    return mean, se


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:g}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memory_bench.envs.psychlab.scores", description=__doc__.splitlines()[0])
    parser.add_argument("--ids", nargs="+", default=DEFAULT_IDS, help="env ids (default: the eight tasks' main levels)")
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--agents", nargs="+", default=["random", "oracle"], choices=["random", "oracle"])
    args = parser.parse_args(argv)
    if args.episodes < 1:
        parser.error(f"--episodes must be positive, got {args.episodes}")
    unknown = [i for i in args.ids if i not in ENVS or "PsychLab" not in ENVS[i].family]
    if unknown:
        parser.error(f"not PsychLab ids: {unknown}; choose from {sorted(i for i, e in ENVS.items() if 'PsychLab' in e.family)}")
    from tqdm import tqdm

    rows = []
    total = len(args.ids) * len(args.agents) * args.episodes
    with tqdm(total=total, desc="episodes", unit="ep", leave=False) as bar:
        for env_id in args.ids:
            base = gym.make(f"memory_bench:{env_id}").unwrapped
            cells = []
            for agent in args.agents:
                returns, t0, steps = [], time.perf_counter(), 0
                for seed in range(args.episodes):
                    r, n = play(env_id, agent, seed)
                    returns.append(r)
                    steps += n
                    bar.update(1)
                mean, se = mean_se(returns)
                cells.append(f"{mean:.2f} ± {se:.2f}")
                cells.append(f"{steps / (time.perf_counter() - t0):.0f}")
            # The level's published scores: the DMLab-30 levels' (spec section 3); None
            # for the Memory Task Suite levels (unverified, spec 2.14).
            human, random_ = base.human_score, base.random_score
            rows.append(f"| {env_id} | {_fmt(human)} | {_fmt(random_)} | " + " | ".join(cells) + " |")
    head = "| env id | published human | published random | " + " | ".join(f"ours {a} | {a} steps/s" for a in args.agents) + " |"
    print(head)
    print("|" + "---|" * (3 + 2 * len(args.agents)))
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
