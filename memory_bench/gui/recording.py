"""Episodes recorded in the dataset format, saved atomically, loaded and re-checked.

One compressed NPZ file per episode, T steps:

=================  ======================  =============================================
key                shape, dtype            meaning
=================  ======================  =============================================
``image``          (T+1, H, W, 3) uint8    observations; [0] before the first action
                                           (image envs: Memory Maze)
``observation``    (T+1, D) float32        instead of ``image`` for envs without one
                                           (symbolic Alchemy: the 39 (or 24) values of
                                           ``symbolic_obs``, what the agent sees)
``action``         (T+1, A) float32        one-hot of the action that led to this frame;
                                           row 0 all zeros
``reward``         (T+1,) float32          reward of that action; [0] = 0
probe keys         (T+1, ...)              ``env.unwrapped.probe_observation()`` (or the
                                           observation's own probe keys) at each frame:
                                           agent_pos, agent_dir, targets_pos, targets_vec,
                                           target_pos, target_vec, target_color, maze_layout
                                           (Alchemy: ``trial_number`` and
                                           ``steps_this_trial`` from the env's info)
metadata           0-d arrays              seed, env_id, player, date (ISO 8601, UTC),
                                           version, score, steps, complete,
                                           max_episode_steps, make_kwargs (JSON), fps,
                                           time_s (seconds played)
=================  ======================  =============================================

``complete`` is False for an episode left before its end (restart or quit); the score
table counts complete episodes only.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from memory_bench._io import atomic_write

PROBE_KEYS = ("agent_pos", "agent_dir", "targets_pos", "targets_vec", "target_pos", "target_vec", "target_color", "maze_layout")
DATA_KEYS = ("action", "reward")  # and one of FRAME_KEYS
FRAME_KEYS = ("image", "observation")
META_KEYS = ("seed", "env_id", "player", "date", "version", "score", "steps", "complete", "max_episode_steps", "make_kwargs", "fps", "time_s")


class RecordingError(ValueError):
    """A file that is not a readable episode recording."""


def make_env(env_id: str, make_kwargs: dict[str, Any] | None = None, max_episode_steps: int | None = None):
    """``gym.make`` of a registered id (``memory_bench:`` prefix added if missing)."""
    import gymnasium as gym

    import memory_bench  # noqa: F401  (registers the ids)

    from memory_bench.registry import hold_out_kwargs

    env_id = env_id.removeprefix("memory_bench:")
    # people play hold-out levels to measure them: the GUI loads them without asking
    kwargs = {**hold_out_kwargs(env_id), **(make_kwargs or {})}
    if max_episode_steps is not None:
        kwargs["max_episode_steps"] = int(max_episode_steps)
    return gym.make(f"memory_bench:{env_id}", **kwargs)


def episode_limit(env) -> int | None:
    """Steps per episode: the smaller of the TimeLimit's and the env's own ``max_steps``."""
    limits = []
    spec = getattr(env, "spec", None)
    if spec is not None and spec.max_episode_steps is not None:
        limits.append(int(spec.max_episode_steps))
    own = getattr(env.unwrapped, "max_steps", None)
    if isinstance(own, (int, np.integer)):
        limits.append(int(own))
    return min(limits) if limits else None


def split_observation(obs) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The frame of an observation (its image, or Alchemy's ``symbolic_obs``) and the
    probe keys it carries (dict observations)."""
    if isinstance(obs, dict):
        frame = obs["image"] if "image" in obs else obs["symbolic_obs"]
        return frame, {k: v for k, v in obs.items() if k in PROBE_KEYS}
    return obs, {}


def frame_key(frame: np.ndarray) -> str:
    """The recording key of a frame: ``image`` for (H, W, 3) uint8 images, else
    ``observation``."""
    frame = np.asarray(frame)
    return "image" if frame.ndim == 3 and frame.dtype == np.uint8 else "observation"


def probes_of(env, obs) -> dict[str, np.ndarray]:
    """Probe values of the current state: the observation's own where it has them (the
    oracle's marked ``maze_layout``), the rest from ``probe_observation()``."""
    _, in_obs = split_observation(obs)
    probe = getattr(env.unwrapped, "probe_observation", None)
    values = dict(probe()) if probe is not None else {}
    values.update(in_obs)
    return {k: np.asarray(values[k]) for k in PROBE_KEYS if k in values}


class EpisodeRecorder:
    """Collects one episode's frames, actions, rewards and probe values."""

    def __init__(self, n_actions: int, capacity: int | None = None):
        self.n_actions = int(n_actions)
        self._capacity = (capacity or 1000) + 1
        self._images: np.ndarray | None = None
        self.frame_key = "image"  # or "observation", from the first frame (frame_key())
        self.actions: list[int] = []
        self.rewards: list[float] = []
        self.probes: dict[str, list[np.ndarray]] = {}
        self.frames = 0

    def add(self, image: np.ndarray, probes: dict[str, np.ndarray], action: int | None = None, reward: float = 0.0):
        """Adds a frame: the first with ``action=None``, then each after its action."""
        if (action is None) != (self.frames == 0):
            raise ValueError("the first frame has no action; every later one has one")
        if self._images is None:
            self.frame_key = frame_key(image)
            dtype = np.uint8 if self.frame_key == "image" else np.float32
            self._images = np.empty((self._capacity, *np.shape(image)), dtype=dtype)
        elif self.frames == len(self._images):
            grown = np.empty((2 * len(self._images), *np.shape(image)), dtype=self._images.dtype)
            grown[: self.frames] = self._images
            self._images = grown
        self._images[self.frames] = image
        if action is not None:
            self.actions.append(int(action))
            self.rewards.append(float(reward))
        for key, value in probes.items():
            self.probes.setdefault(key, []).append(np.array(value, copy=True))
        self.frames += 1

    @property
    def steps(self) -> int:
        return len(self.actions)

    @property
    def score(self) -> float:
        return float(np.sum(self.rewards, dtype=np.float64))

    def arrays(self) -> dict[str, np.ndarray]:
        """The episode's data keys (image or observation, action, reward and the probe keys)."""
        n = self.frames
        action = np.zeros((n, self.n_actions), dtype=np.float32)
        action[np.arange(1, n), self.actions] = 1.0
        reward = np.zeros(n, dtype=np.float32)
        reward[1:] = self.rewards
        out = {self.frame_key: self._images[:n].copy(), "action": action, "reward": reward}
        for key, values in self.probes.items():
            out[key] = np.stack(values)
        return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_") or "anon"


def save_episode(out_dir: str | os.PathLike, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Path:
    """Writes one episode as compressed NPZ, atomically: a temporary file in ``out_dir``
    renamed into place, so a crash never leaves a partial recording. Returns the path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc)
    meta = dict(meta)
    meta.setdefault("date", now.isoformat(timespec="seconds"))
    stamp = now.strftime("%Y%m%d-%H%M%S")
    stem = f"{_slug(str(meta['env_id']))}-{_slug(str(meta['player']))}-{stamp}-s{meta['seed']}"
    path = out / f"{stem}.npz"
    i = 1
    while path.exists():
        path = out / f"{stem}-{i}.npz"
        i += 1
    payload = dict(arrays)
    for key, value in meta.items():
        if key == "make_kwargs":
            value = json.dumps(value, sort_keys=True)
        payload[key] = np.asarray(value if value is not None else -1)
    with atomic_write(path, "wb", prefix=f".{stem}.") as f:
        np.savez_compressed(f, **payload)
    return path


def _meta_value(value: np.ndarray):
    value = value.item() if value.shape == () else value
    return value


def load_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The metadata keys of a recording, without reading its images."""
    data = _open(path)
    with data:
        return _metadata(data, path)


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise RecordingError(f"no recording at {str(path)!r}")
    if not zipfile.is_zipfile(path):
        raise RecordingError(f"{str(path)!r} is not an episode recording (not an .npz file)")
    try:
        return np.load(path, allow_pickle=False)
    except Exception as e:  # zipfile.BadZipFile, ValueError, OSError ...
        raise RecordingError(f"{str(path)!r} is not an episode recording (an .npz file): {e}") from e


def _metadata(data, path) -> dict[str, Any]:
    missing = [k for k in ("seed", "env_id", "player", "score", "steps") if k not in data.files]
    if missing:
        raise RecordingError(f"{str(path)!r} is not an episode recording: missing key(s) {missing}")
    meta = {k: _meta_value(data[k]) for k in META_KEYS if k in data.files}
    meta["make_kwargs"] = json.loads(meta.get("make_kwargs", "{}"))
    if meta.get("max_episode_steps", -1) == -1:
        meta["max_episode_steps"] = None
    meta.setdefault("complete", True)
    return meta


def load_episode(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """``(arrays, metadata)`` of a recording; :class:`RecordingError` if it is not one."""
    data = _open(path)
    with data:
        meta = _metadata(data, path)
        missing = [k for k in DATA_KEYS if k not in data.files]
        if not any(k in data.files for k in FRAME_KEYS):
            missing.insert(0, " or ".join(FRAME_KEYS))
        if missing:
            raise RecordingError(f"{str(path)!r} is not an episode recording: missing key(s) {missing}")
        arrays = {k: data[k] for k in data.files if k not in META_KEYS}
    frames = arrays["image"] if "image" in arrays else arrays["observation"]
    n = len(frames)
    bad_frames = (frames.ndim != 4 or frames.dtype != np.uint8) if "image" in arrays else frames.ndim < 2
    if bad_frames or any(len(arrays[k]) != n for k in arrays):
        raise RecordingError(f"{str(path)!r}: inconsistent shapes {({k: v.shape for k, v in arrays.items()})}")
    return arrays, meta


def replay_check(path: str | os.PathLike, verbose: bool = False) -> bool:
    """Re-runs a recording's actions on a new env made with its env id, make arguments
    and seed; True when every observation equals the recorded frame (image, or
    observation) and every reward the recorded reward."""
    arrays, meta = load_episode(path)
    frames = arrays["image"] if "image" in arrays else arrays["observation"]
    env = make_env(meta["env_id"], meta["make_kwargs"], meta["max_episode_steps"])
    try:
        obs, _ = env.reset(seed=int(meta["seed"]))
        image, _ = split_observation(obs)
        if not np.array_equal(image, frames[0]):
            if verbose:
                print("frame 0 differs")
            return False
        for t in range(1, len(frames)):
            action = int(np.argmax(arrays["action"][t]))
            obs, reward, terminated, truncated, _ = env.step(action)
            image, _ = split_observation(obs)
            if not np.array_equal(image, frames[t]) or np.float32(reward) != arrays["reward"][t]:
                if verbose:
                    print(f"frame {t} differs")
                return False
            if (terminated or truncated) and t != len(frames) - 1:
                if verbose:
                    print(f"episode ended at step {t}, recording has {len(frames) - 1}")
                return False
        return True
    finally:
        env.close()
