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
import math
import sys
from pathlib import Path

import numpy as np

from memory_bench._io import positive_int, write_json
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
    # the test levels' numbers; the train levels are not scored in DMLab-30
    "rooms_collect_good_objects_test": (10.0, 0.073),
    "rooms_exploit_deferred_effects_test": (85.65, 8.501),
    "rooms_select_nonmatching_object": (65.9, 0.312),
    "rooms_watermaze": (54.0, 4.065),
    "rooms_keys_doors_puzzle": (53.8, 4.135),
    "skymaze_irreversible_path_hard": (100.0, 0.1),
    "skymaze_irreversible_path_varied": (100.0, 14.4),
    "natlab_fixed_large_map": (36.9, 2.173),
    "natlab_varying_map_regrowth": (24.45, 2.989),
    "natlab_varying_map_randomized": (42.35, 7.346),
    "lasertag_one_opponent_small": (12.65, -0.224),
    "lasertag_three_opponents_small": (18.55, -0.214),
    "lasertag_one_opponent_large": (18.6, -0.083),
    "lasertag_three_opponents_large": (31.5, -0.102),
    "language_select_described_object": (389.5, -0.07),
    "language_select_located_object": (280.7, 1.929),
    "language_execute_random_task": (254.05, -5.913),
    "language_answer_quantitative_question": (184.5, -0.33),
}


def steer(env, point: np.ndarray, tolerance: float = 2.5) -> int:
    """The IMPALA action that turns toward DMLab point ``point`` and walks to it:
    turn on the spot while the bearing is off by more than ``tolerance`` look steps,
    walk and turn while it is off by more than half a step, else walk."""
    st = env._state
    want = math.degrees(math.atan2(point[1] - st[quake.Y], point[0] - st[quake.X]))
    err = (want - st[quake.YAW] + 180.0) % 360.0 - 180.0
    step = 20 * env.action_repeat * quake.LOOK_DEGREES_PER_PIXEL
    if abs(err) > tolerance * step:
        return LOOK_LEFT if err > 0 else LOOK_RIGHT
    if abs(err) > step / 2:
        return FORWARD_LEFT if err > 0 else FORWARD_RIGHT
    return FORWARD


class RandomAgent:
    """Uniformly random actions: of a ``Discrete(n)`` space, or of the env's ``Box``
    action space when the env has one (the Memory Task Suite's continuous actions)."""

    def __init__(self, n_actions: int = 9, seed: int | None = None):
        self.n = n_actions
        self.rng = np.random.default_rng(seed)

    def reset(self, env=None) -> None:
        pass

    def act(self, env=None):
        space = getattr(env, "action_space", None)
        if space is not None and hasattr(space, "low") and not hasattr(space, "n"):
            return self.rng.uniform(space.low, space.high).astype(space.dtype)
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
        return steer(env, point)


class RoomsOracle:
    """A privileged player of the fixed-map rooms levels (it reads the env's state):

    * collect_good_objects: the nearest good object whose straight path keeps clear of
      the bad ones (else the nearest good one);
    * exploit_deferred_effects: where the cakes can be reached (door open, or the box
      opens it) the box first, then the cakes through the corridor; else the apples;
    * select_nonmatching_object: the teleport pad, then the non-matching object;
    * watermaze: straight to the hidden platform.
    """

    def reset(self, env=None) -> None:
        pass

    def act(self, env) -> int:
        from memory_bench.envs.dmlab import rooms

        env = env.unwrapped
        pos = env._state[quake.X: quake.Y + 1]
        if isinstance(env, rooms.CollectGoodObjects):
            target = self._good_object(env, pos)
        elif isinstance(env, rooms.ExploitDeferredEffects):
            target = self._deferred(env, pos)
        elif isinstance(env, rooms.SelectNonmatchingObject):
            in_room_1 = pos[0] < env._at(128.0, 0.0)[0]
            target = env._items[env.PAD if in_room_1 else env.CHOICE_1, :2]
        elif isinstance(env, rooms.Watermaze):
            target = env.platform
        else:
            raise TypeError(f"RoomsOracle does not play {type(env).__name__}")
        if target is None:
            return LOOK_LEFT
        return steer(env, target)

    @staticmethod
    def _nearest(pos: np.ndarray, points: np.ndarray) -> np.ndarray | None:
        if not len(points):
            return None
        return points[int(np.argmin(np.linalg.norm(points - pos, axis=1)))]

    #: u between the agent's path and a pickup it must not touch (boxes of 30 + 30 u)
    CLEARANCE = 48.0

    @classmethod
    def _around(cls, pos: np.ndarray, target: np.ndarray, avoid: np.ndarray) -> np.ndarray:
        """``target``, or a point beside the first pickup of ``avoid`` that the straight
        way to it would touch."""
        d = target - pos
        n2 = float(d @ d)
        if not len(avoid) or n2 < 1e-9:
            return target
        t = ((avoid - pos) @ d) / n2
        foot = pos + t[:, None] * d
        gap = np.linalg.norm(avoid - foot, axis=1)
        hit = np.flatnonzero((gap < cls.CLEARANCE) & (t > 0.0) & (t < 1.0))
        if not len(hit):
            return target
        k = hit[np.argmin(t[hit])]
        side = foot[k] - avoid[k]
        if np.linalg.norm(side) < 1e-6:
            side = np.array([-d[1], d[0]])
        return avoid[k] + side / np.linalg.norm(side) * (cls.CLEARANCE + 12.0)

    def _good_object(self, env, pos: np.ndarray) -> np.ndarray | None:
        good = env._items[env._active & env.good, :2]
        bad = env._items[env._active & ~env.good, :2]
        target = self._nearest(pos, good)
        return None if target is None else self._around(pos, target, bad)

    def _deferred(self, env, pos: np.ndarray) -> np.ndarray | None:
        from memory_bench.envs.dmlab import rooms

        two, has_box, _ = env.config
        items, active = env._items, env._active
        apples = items[: env.N_OBJECTS][active[: env.N_OBJECTS], :2]
        cakes = items[env.BOX_SLOT + 1:][active[env.BOX_SLOT + 1:], :2]
        if two and not env.door_open and has_box and active[env.BOX_SLOT]:
            return self._around(pos, items[env.BOX_SLOT, :2], apples)
        if two and env.door_open and len(cakes):
            cx0, cy0, cx1, cy1 = rooms._CORRIDOR
            mid_y = (cy0 + cy1) / 2
            if pos[0] < cx0 - 10:  # in room 1: to the corridor's mouth, then through it
                mouth = np.array([cx0 - 40.0, mid_y])
                if abs(pos[1] - mid_y) > 30 or pos[0] < cx0 - 60:
                    return self._around(pos, mouth, apples)
                return np.array([cx1 + 60.0, mid_y])
            if pos[0] < cx1 + 20:
                return np.array([cx1 + 60.0, mid_y])
            return self._nearest(pos, cakes)
        return self._nearest(pos, apples)


#: The scripted oracle of each first-person family, as "module:class" (imported when
#: asked for; keys_doors_puzzle, a rooms level, has its own).
ORACLES = {
    "DMLab-Explore": "memory_bench.agents.dmlab:ExploreOracle",
    "MemoryTasks-Explore": "memory_bench.agents.dmlab:ExploreOracle",
    "DMLab-Rooms": "memory_bench.agents.dmlab:RoomsOracle",
    "DMLab-Language": "memory_bench.agents.language:InstructionAgent",
    "DMLab-SkyMaze": "memory_bench.envs.dmlab.skymaze:SkyMazeOracle",
    "DMLab-NatLab": "memory_bench.envs.dmlab.natlab:NatLabForager",
    "DMLab-LaserTag": "memory_bench.envs.dmlab.lasertag_bots:ScriptedPlayer",
    "MemoryTasks-GoalNavigation": "memory_bench.envs.memory_suite.goal_arena:GoalArenaOracle",
    "MemoryTasks-SpotDiff": "memory_bench.envs.memory_suite.spot_diff:SpotDiffOracle",
    "MemoryTasks-TransitiveInference": "memory_bench.envs.memory_suite.transitive:TransitiveOracle",
}
KEYS_DOORS_ORACLE = "memory_bench.envs.dmlab.keys_doors:KeysDoorsOracle"


def oracle_for(env_id: str):
    """The scripted oracle of a first-person id (:data:`ORACLES`)."""
    import importlib

    from memory_bench.registry import ENVS

    family = ENVS[env_id].family
    path = KEYS_DOORS_ORACLE if env_id.startswith("DMLab-rooms_keys_doors") else ORACLES.get(family)
    if path is None:
        raise ValueError(f"no oracle for {env_id!r}")
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)()


def play(env, agent, seed: int) -> float:
    """One episode's score, stepped without images (``env._advance``)."""
    base = env.unwrapped
    base.reset(seed=seed)
    agent.reset(base)
    score, done = 0.0, False
    while not done:
        reward, terminated, truncated = base._advance(agent.act(base))
        score += reward
        done = terminated or truncated
    return score


def scores(env_ids: list[str], episodes: int = 30, seed: int = 0, progress: bool = True) -> dict[str, dict]:
    """Mean and standard error of the random agent's and the oracle's scores per id."""
    import gymnasium as gym
    from tqdm import tqdm

    from memory_bench.registry import hold_out_kwargs

    out: dict[str, dict] = {}
    jobs = [(env_id, name) for env_id in env_ids for name in ("random", "oracle")]
    with tqdm(total=len(jobs) * episodes, unit="ep", file=sys.stderr, disable=not progress, desc="scores") as bar:
        for env_id, name in jobs:
            agent = RandomAgent(seed=seed) if name == "random" else oracle_for(env_id)
            # an oracle may be scored on another action set (the laser tag player aims with raw actions)
            env = gym.make(f"memory_bench:{env_id}", **hold_out_kwargs(env_id), **getattr(agent, "env_kwargs", {}))
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

    ids = [i for i, e in ENVS.items() if e.family in ORACLES]
    p = argparse.ArgumentParser(prog="python -m memory_bench.agents.dmlab", description=__doc__.split("\n\n")[0])
    p.add_argument("--episodes", type=positive_int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--levels", nargs="*", default=ids, help="env ids (default: every first-person DMLab-30 and Memory Task Suite id)")
    p.add_argument("--json", type=Path, help="also write the results here")
    args = p.parse_args(argv)
    bad = [i for i in args.levels if i not in ids]
    if bad:
        p.error(f"not first-person DMLab-30 or Memory Task Suite ids: {bad}; choose from {ids}")
    results = scores(args.levels, args.episodes, args.seed)
    print(table(results))
    if args.json:
        write_json(args.json, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
