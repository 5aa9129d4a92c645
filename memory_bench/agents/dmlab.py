"""Scripted agents for the DMLab-style explore levels, and their scores next to DMLab's.

* :class:`RandomAgent`: uniformly random IMPALA actions, the policy behind DMLab-30's
  published "random" scores.
* :class:`ExploreOracle`: a privileged navigator that knows the map and where every
  pickup is from the first step (it reads the env, not the image): it walks the
  shortest path to the nearest wanted pickup (the goal, an apple, a good object) with
  the IMPALA actions. Humans must find things first; the oracle is an upper reference,
  not a human model.

``python -m memory_bench.agents.dmlab [--episodes 30] [--levels ...] [--json FILE]``
plays both on every explore id and prints mean scores beside the published human and
random ones (:data:`PUBLISHED`). Neither agent looks at the image, so the script steps
the envs without rendering (the rules and motion are the same).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.envs.dmlab.base import ACTION_NAMES

FORWARD = ACTION_NAMES.index("forward")
LOOK_LEFT = ACTION_NAMES.index("look_left")
LOOK_RIGHT = ACTION_NAMES.index("look_right")
FORWARD_LEFT = ACTION_NAMES.index("forward_look_left")
FORWARD_RIGHT = ACTION_NAMES.index("forward_look_right")

#: DMLab-30's human and random scores (deepmind/scalable_agent's dmlab30.py).
PUBLISHED = {
    "explore_object_locations_small": (74.45, 3.575),
    "explore_object_locations_large": (65.65, 4.673),
    "explore_obstructed_goals_small": (206.0, 6.76),
    "explore_obstructed_goals_large": (119.5, 2.61),
    "explore_goal_locations_small": (267.5, 7.66),
    "explore_goal_locations_large": (194.5, 3.14),
    "explore_object_rewards_few": (77.7, 2.073),
    "explore_object_rewards_many": (106.7, 2.438),
}


class RandomAgent:
    """Uniformly random actions of a ``Discrete(n)`` space."""

    def __init__(self, n_actions: int = 9, seed: int | None = None):
        self.n = n_actions
        self.rng = np.random.default_rng(seed)

    def reset(self, env=None) -> None:
        pass

    def act(self, env=None) -> int:
        return int(self.rng.integers(self.n))


class ExploreOracle:
    """Walks to the nearest wanted pickup by the shortest path, with IMPALA actions."""

    def __init__(self, margin: float = 18.0):
        self.margin = margin  # u of clearance the straight line keeps from walls

    def reset(self, env=None) -> None:
        self._last = None

    def _targets(self, env) -> np.ndarray:
        kind = env.level.kind
        wanted = env._active.copy()
        if kind == "object_rewards":
            wanted &= env.good
        return env._items[wanted, :2]

    def _clear(self, env, a: np.ndarray, b: np.ndarray) -> bool:
        """True if the player's box can go straight from a to b (sampled every 10 u)."""
        h = env.map.shape[0]
        n = max(2, int(np.linalg.norm(b - a) / 10.0) + 1)
        pts = a[None] + (b - a)[None] * np.linspace(0, 1, n)[:, None]
        m = self.margin
        for dx, dy in ((m, m), (m, -m), (-m, m), (-m, -m)):
            cells = tm.world_cell(pts + (dx, dy), h)
            if env._solid[cells[:, 0], cells[:, 1]].any():
                return False
        return True

    def act(self, env) -> int:
        env = env.unwrapped
        st = env._state
        pos = st[quake.X: quake.Y + 1].copy()
        targets = self._targets(env)
        if not len(targets):
            return LOOK_LEFT
        h = env.map.shape[0]
        here = tuple(tm.world_cell(pos, h))
        passable = ~env._solid
        dist = tm.distances(passable, here)
        cells = tm.world_cell(targets, h)
        d = dist[cells[:, 0], cells[:, 1]]
        d = np.where(d < 0, 10**9, d)
        k = int(np.argmin(d))
        target = targets[k]
        path = tm.random_path(passable, here, tuple(cells[k]), np.random.default_rng(0))
        point = target
        if not self._clear(env, pos, target):
            centres = tm.cell_centre(np.array(path), h) if path else np.array([target])
            point = centres[min(1, len(centres) - 1)]
            for c in centres[::-1]:  # the farthest path cell in a straight line
                if self._clear(env, pos, c):
                    point = c
                    break
        want = math.degrees(math.atan2(point[1] - pos[1], point[0] - pos[0]))
        err = (want - st[quake.YAW] + 180.0) % 360.0 - 180.0
        step = 20 * 4 * quake.LOOK_DEGREES_PER_PIXEL
        if abs(err) > 2.5 * step:
            return LOOK_LEFT if err > 0 else LOOK_RIGHT
        if abs(err) > step / 2:
            return FORWARD_LEFT if err > 0 else FORWARD_RIGHT
        return FORWARD


def play(env, agent, seed: int) -> float:
    """One episode's score, stepped without images (``env._advance``)."""
    base = env.unwrapped
    base.reset(seed=seed)
    agent.reset(base)
    score, truncated = 0.0, False
    while not truncated:
        reward, truncated = base._advance(agent.act(base))
        score += reward
    return score


def scores(env_ids: list[str], episodes: int = 30, seed: int = 0, progress: bool = True) -> dict[str, dict]:
    """Mean and standard error of the random agent's and the oracle's scores per id."""
    import gymnasium as gym
    from tqdm import tqdm

    out: dict[str, dict] = {}
    jobs = [(env_id, name) for env_id in env_ids for name in ("random", "oracle")]
    with tqdm(total=len(jobs) * episodes, unit="ep", file=sys.stderr, disable=not progress, desc="explore scores") as bar:
        for env_id, name in jobs:
            env = gym.make(f"memory_bench:{env_id}")
            agent = RandomAgent(seed=seed) if name == "random" else ExploreOracle()
            values = []
            for e in range(episodes):
                values.append(play(env, agent, seed + e))
                bar.update()
            env.close()
            v = np.array(values)
            out.setdefault(env_id, {})[name] = {"mean": float(v.mean()), "sem": float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0, "episodes": len(v)}
    return out


def table(results: dict[str, dict]) -> str:
    lines = ["| id | random (ours) | random (DMLab) | oracle (ours) | human (DMLab) |", "|---|---|---|---|---|"]
    for env_id, r in results.items():
        level = env_id.split("-", 1)[1].rsplit("-", 1)[0]
        human, rand = PUBLISHED.get(level, (None, None)) if env_id.startswith("DMLab-") else (None, None)
        fmt = lambda v: "-" if v is None else f"{v:g}"  # noqa: E731
        lines.append(
            f"| {env_id} | {r['random']['mean']:.2f} ± {r['random']['sem']:.2f} | {fmt(rand)} | "
            f"{r['oracle']['mean']:.1f} ± {r['oracle']['sem']:.1f} | {fmt(human)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from memory_bench.registry import ENVS

    ids = [i for i, e in ENVS.items() if "Explore" in e.family]
    p = argparse.ArgumentParser(prog="python -m memory_bench.agents.dmlab", description=__doc__.split("\n\n")[0])
    p.add_argument("--episodes", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--levels", nargs="*", default=ids, help="env ids (default: every explore id)")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    bad = [i for i in args.levels if i not in ids]
    if bad:
        p.error(f"not explore ids: {bad}; choose from {ids}")
    if args.episodes < 1:
        p.error(f"--episodes={args.episodes} must be >= 1")
    results = scores(args.levels, args.episodes, args.seed)
    print(table(results))
    if args.json:
        tmp = args.json.with_suffix(args.json.suffix + ".tmp")
        tmp.write_text(json.dumps(results, indent=1))
        tmp.replace(args.json)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
