"""``python -m memory_bench.envs.alchemy.scores``: bot scores next to the published numbers.

Episode ``i`` is ``env.reset(seed=i)`` on the no-rotation evaluation level
(``perceptual_mapping_randomized_with_random_bottleneck``); mean and standard error
over episodes.
"""

from __future__ import annotations

import argparse
import math
import time

from memory_bench.envs.alchemy.bots import BOTS, play_episode
from memory_bench.envs.alchemy.chemistry import EVALUATION_LEVEL
from memory_bench.envs.alchemy.env import AlchemyEnv

#: Published / spec numbers (spec 10): mean and standard error over 1,000 episodes.
PUBLISHED = {
    "uniform_random": "17.6 ± 0.4 (spec, standard level)",
    "random_action": "146.3 to 147.8 (s.e. 1.55)",
    "cash_positive": "67.3 ± 0.6 (analytic 67.5)",
    "ideal_observer": "284.4 ± 1.6 (paper)",
    "search_oracle": "288.5 ± 1.5",
}


def score(bot_name: str, episodes: int, level: str = EVALUATION_LEVEL, **bot_kwargs) -> tuple[float, float, float]:
    """(mean, standard error, seconds per episode) of ``bot_name`` over seeds 0..episodes-1."""
    env = AlchemyEnv(level)
    bot = BOTS[bot_name](env, seed=0, **bot_kwargs)
    t0 = time.perf_counter()
    scores = [play_episode(bot, env, seed=i) for i in range(episodes)]
    n = len(scores)
    mean = sum(scores) / n
    se = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1) / n) if n > 1 else float("nan")
    return mean, se, (time.perf_counter() - t0) / n


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memory_bench.envs.alchemy.scores", description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--bots", nargs="+", default=list(BOTS), choices=list(BOTS))
    parser.add_argument("--horizon", type=int, default=3, help="ideal observer's look-ahead in dips (default %(default)s)")
    args = parser.parse_args(argv)
    print(f"| bot | episodes | ours (mean ± s.e.) | published | s/episode |\n|---|---|---|---|---|")
    for name in args.bots:
        kwargs = {"horizon": args.horizon} if name == "ideal_observer" else {}
        mean, se, spe = score(name, args.episodes, **kwargs)
        print(f"| {name} | {args.episodes} | {mean:.1f} ± {se:.1f} | {PUBLISHED[name]} | {spe:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
