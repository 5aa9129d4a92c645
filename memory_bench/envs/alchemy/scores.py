"""``python -m memory_bench.envs.alchemy.scores``: bot scores next to the published numbers.

Episode ``i`` is ``env.reset(seed=i)`` on the no-rotation evaluation level
(``perceptual_mapping_randomized_with_random_bottleneck``), played by a bot whose own
random generator is seeded with ``i`` too, so every episode's score is fixed by its
index alone and ``--workers N`` (N processes, each playing whole episodes) gives the
same scores as one process; mean and standard error over episodes. The ideal observer searches each trial exactly by default (``--horizon
none``; a number limits its look-ahead to that many dips). ``--scores-file PATH`` appends
every episode's ``bot seed score seconds`` to PATH (the bot tagged ``@horizon``
when not exact) and skips the episodes already there,
so a long run can be stopped and resumed.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor

from tqdm import tqdm

from memory_bench._io import positive_int
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


def _read_scores(path: str | None, bot_name: str) -> dict[int, tuple[float, float]]:
    done: dict[int, tuple[float, float]] = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4 and parts[0] == bot_name:
                    done[int(parts[1])] = (float(parts[2]), float(parts[3]))
    return done


class _Player:
    """One env and one bot, playing whole episodes by index (in a worker process, or in
    this one)."""

    def __init__(self, bot_name: str, level: str, bot_kwargs: dict):
        self.env = AlchemyEnv(level)
        self.bot = BOTS[bot_name](self.env, seed=0, **bot_kwargs)

    def play(self, i: int) -> tuple[int, float, float]:
        """(i, score, seconds) of episode ``i``."""
        t0 = time.perf_counter()
        self.bot.rng.seed(i)
        s = play_episode(self.bot, self.env, seed=i)
        return i, s, time.perf_counter() - t0


_worker_player: _Player | None = None


def _worker_init(bot_name: str, level: str, bot_kwargs: dict) -> None:
    global _worker_player
    _worker_player = _Player(bot_name, level, bot_kwargs)


def _worker_play(i: int) -> tuple[int, float, float]:
    return _worker_player.play(i)


def score(bot_name: str, episodes: int, level: str = EVALUATION_LEVEL, *, progress: bool = False,
          scores_file: str | None = None, workers: int = 1, **bot_kwargs) -> tuple[float, float, float]:
    """(mean, standard error, seconds per episode) of ``bot_name`` over seeds
    0..episodes-1 (seconds: of the episodes played in this call, or of the file's),
    played in ``workers`` processes (the scores do not depend on it)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    tag = bot_name if bot_kwargs.get("horizon") is None else f"{bot_name}@{bot_kwargs['horizon']}"
    if level != EVALUATION_LEVEL:
        tag += f"@{level}"
    results = {i: v for i, v in _read_scores(scores_file, tag).items() if i < episodes}
    todo = [i for i in range(episodes) if i not in results]
    bar = tqdm(total=episodes, initial=len(results), desc=bot_name, unit="episode", disable=not progress,
               dynamic_ncols=True)
    pool = None
    if workers > 1 and len(todo) > 1:
        pool = ProcessPoolExecutor(min(workers, len(todo)), initializer=_worker_init,
                                   initargs=(bot_name, level, bot_kwargs))
        played = pool.map(_worker_play, todo)
    else:
        player = _Player(bot_name, level, bot_kwargs)
        played = map(player.play, todo)
    try:
        for i, s, t in played:
            results[i] = (s, t)
            if scores_file:
                with open(scores_file, "a") as f:
                    f.write(f"{tag} {i} {s:g} {t:.3f}\n")
            bar.update()
            if progress:
                bar.set_postfix_str(f"mean {sum(v[0] for v in results.values()) / len(results):.1f}")
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    scores = [results[i][0] for i in range(episodes)]
    seconds = [results[i][1] for i in range(episodes)]
    n = len(scores)
    mean = sum(scores) / n
    se = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1) / n) if n > 1 else float("nan")
    return mean, se, sum(seconds) / n


def _horizon(text: str) -> int | None:
    if text.lower() == "none":
        return None
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("the horizon is a number of dips (>= 0) or 'none'")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memory_bench.envs.alchemy.scores", description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--bots", nargs="+", default=list(BOTS), choices=list(BOTS))
    parser.add_argument("--horizon", type=_horizon, default=None,
                        help="ideal observer's look-ahead in dips, or 'none' to search each trial exactly (default)")
    parser.add_argument("--scores-file", default=None, help="append each episode's score here; skip episodes already in it")
    parser.add_argument("--workers", type=positive_int, default=1,
                        help="processes playing episodes side by side (the scores do not depend on it)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    print("| bot | episodes | ours (mean ± s.e.) | published | s/episode |\n|---|---|---|---|---|", flush=True)
    for name in args.bots:
        kwargs = {"horizon": args.horizon} if name == "ideal_observer" else {}
        mean, se, spe = score(name, args.episodes, progress=not args.no_progress, scores_file=args.scores_file,
                               workers=args.workers, **kwargs)
        label = name if name != "ideal_observer" or args.horizon is None else f"{name} (horizon {args.horizon})"
        print(f"| {label} | {args.episodes} | {mean:.1f} ± {se:.1f} | {PUBLISHED[name]} | {spe:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
