"""Scripted policies for the PsychLab screen tasks: random and a privileged oracle.

Same interface as the Memory Maze agents (``reset()``, ``act(obs, info)``), but the
oracle is built on the env, whose state it reads (privileged)::

    env = gym.make("memory_bench:DMLab-psychlab_continuous_recognition-v0")
    agent = PsychLabOracle(env)
    obs, info = env.reset(seed=0)
    agent.reset()
    while True:
        obs, reward, terminated, truncated, info = env.step(agent.act(obs, info))
        if terminated or truncated:
            break

The oracle looks where the task's ground truth says (``env.unwrapped.oracle_target``:
the fixation zone, the correct button, a disc to reveal a test array, then away from
the button to be paid), and waits when there is nothing to do. With continuous look
actions it aims straight at the target's centre. With the discrete set it looks ahead:
each candidate look action (left, right, up, down, none) is simulated frame by frame
and the first that sweeps the gaze through the target within the step is taken;
otherwise the one that ends nearest to it. Discrete looks move the view on a fixed
8.8 degree grid from the random spawn yaw, and a small target can fall between grid
lines; when it makes no progress for a few steps the oracle turns a full circle plus
one step, which shifts the yaw grid by 0.8 degrees (360 is not a multiple of 8.8), and
tries again.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from memory_bench.envs.psychlab.base import ACTION_NAMES, FRAMES_PER_STEP
from memory_bench.envs.psychlab.view import DEGREES_PER_PIXEL, MAX_PITCH, angles_for, gaze_point

__all__ = ["PsychLabOracle", "PsychLabRandomAgent"]

_WAIT = ACTION_NAMES.index("fire")
_CANDIDATES = [
    (ACTION_NAMES.index("look_left"), -1, 0),
    (ACTION_NAMES.index("look_right"), 1, 0),
    (ACTION_NAMES.index("look_up"), 0, 1),
    (ACTION_NAMES.index("look_down"), 0, -1),
]
_SPIN_STEPS = 41  # 41 * 8.8 = 360.8 degrees


class PsychLabRandomAgent:
    """Uniformly random actions from the env's action space (seeded)."""

    def __init__(self, env, seed: int | None = None):
        self.space = env.action_space
        self.space.seed(seed)

    def reset(self) -> None:
        pass

    def act(self, obs: Any = None, info: Mapping[str, Any] | None = None):
        return self.space.sample()


class PsychLabOracle:
    """Answers every trial correctly from the env's privileged state (see module doc)."""

    def __init__(self, env, patience: int = 6):
        self.env = env
        self.patience = int(patience)
        self.reset()

    def reset(self) -> None:
        self._best = math.inf
        self._stale = 0
        self._spin = 0
        self._last_target = None

    def act(self, obs: Any = None, info: Mapping[str, Any] | None = None):
        base = self.env.unwrapped
        target = base.oracle_target
        continuous = base.action_type == "continuous"
        if target is None:
            return np.zeros(2, np.float32) if continuous else _WAIT
        cx, cy = (target[0] + target[2]) / 2, (target[1] + target[3]) / 2
        want_yaw, want_pitch = angles_for(cx, cy)
        yaw, pitch = base.gaze.yaw, base.gaze.pitch
        if continuous:
            per_step = base.look_rate * DEGREES_PER_PIXEL * FRAMES_PER_STEP
            move = np.array([want_yaw - yaw, want_pitch - pitch]) / per_step
            return np.clip(move, -1.0, 1.0).astype(np.float32)
        if target != self._last_target:
            self._last_target, self._best, self._stale = target, math.inf, 0
        if self._spin > 0:
            self._spin -= 1
            return _CANDIDATES[1][0]
        step = base.look_rate * DEGREES_PER_PIXEL
        best_action, best_dist = _WAIT, math.hypot(want_yaw - yaw, want_pitch - pitch)
        for action, dyaw, dpitch in _CANDIDATES:
            y, p = yaw, pitch
            for _ in range(FRAMES_PER_STEP):
                y = (y + dyaw * step + 180.0) % 360.0 - 180.0
                p = min(max(p + dpitch * step, -MAX_PITCH), MAX_PITCH)
                point = gaze_point(y, p)
                if point is not None and target[0] <= point[0] < target[2] and target[1] <= point[1] < target[3]:
                    return action
            dist = math.hypot(want_yaw - y, want_pitch - p)
            if dist < best_dist - 1e-9:
                best_action, best_dist = action, dist
        if best_dist < self._best - 1e-6:
            self._best, self._stale = best_dist, 0
        else:
            self._stale += 1
            if self._stale >= self.patience:
                self._stale, self._best = 0, math.inf
                self._spin = _SPIN_STEPS - 1
                return _CANDIDATES[1][0]
        return best_action
