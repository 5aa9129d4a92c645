"""Offline datasets of Memory Maze trajectories: generation, the file format, loading, sampling.

Generate (see ``python -m memory_bench.data generate --help``)::

    python -m memory_bench.data generate --env MemoryMaze-9x9-v0 --episodes 1000 --out data/9x9 --workers 2

One compressed NPZ per trajectory, with the keys, shapes and dtypes of the original
Memory Maze dataset (all stacked over time; index 0 is the observation before the first
action, index ``t`` the observation after action ``t - 1``):

================  =====================  =========  ===========================================
key               shape                  dtype      meaning
================  =====================  =========  ===========================================
``image``         (T+1, 64, 64, 3)       uint8      first-person image (target colour border)
``action``        (T+1, 6)               float64    one-hot of the previous action; row 0 zeros
``reward``        (T+1,)                 float64    reward of the previous step; 0 at index 0
``maze_layout``   (T+1, N, N)            uint8      1 floor, 0 wall; ``[0, 0]`` bottom-left
``agent_pos``     (T+1, 2)               float64    agent position (grid units)
``agent_dir``     (T+1, 2)               float64    unit vector of the agent's heading
``targets_pos``   (T+1, K, 2)            float64    all targets' positions
``targets_vec``   (T+1, K, 2)            float64    targets in the agent's frame (right, forward)
``target_pos``    (T+1, 2)               float64    current target's position
``target_vec``    (T+1, 2)               float64    current target in the agent's frame
``target_color``  (T+1, 3)               float64    current target's RGB in [0, 1]
``seed``          ()                     int64      the env seed of this episode (not in the original)
================  =====================  =========  ===========================================

The dtypes follow the original authors' recording wrappers (``memory-maze``'s
``gui/recording.py``, copied from pydreamer, which recorded the dataset): the one-hot
action and the reward are ``numpy`` float64 arrays and the probe values are the env's
float64 observations. ``seed`` is the one key the original files do not have.

Load::

    from memory_bench.data import load, SequenceSampler

    for episode in load("data/9x9"):              # dicts of arrays, one per file, sorted by name
        episode["image"].shape                      # (1001, 64, 64, 3)

    sampler = SequenceSampler("data/9x9", seq_len=64, batch_size=16, seed=0)
    batch = next(iter(sampler))                     # {"image": (16, 64, 64, 64, 3) uint8, "action": (16, 64, 6), ...}

With PyTorch (not needed by this module)::

    import torch

    sampler = SequenceSampler("data/9x9/train", seq_len=64, batch_size=16, keys=("image", "action"), seed=0)
    for step, batch in zip(range(1000), sampler):
        image = torch.from_numpy(batch["image"]).permute(0, 1, 4, 2, 3).float() / 255  # (B, L, 3, 64, 64)
        action = torch.from_numpy(batch["action"]).float()                            # (B, L, 6)
        loss = model(image, action)                                                   # your sequence model
        loss.backward(); optimizer.step(); optimizer.zero_grad()
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from memory_bench._io import atomic_write

#: The original dataset's keys, in its table's order.
KEYS = (
    "image",
    "action",
    "reward",
    "maze_layout",
    "agent_pos",
    "agent_dir",
    "targets_pos",
    "targets_vec",
    "target_pos",
    "target_vec",
    "target_color",
)
#: Keys with a time axis (every key but ``seed``).
TIME_KEYS = KEYS
EXTRA_KEYS = ("seed",)
PROBE_KEYS = KEYS[3:]
N_ACTIONS = 6
#: The original's split: 29k training and 1k evaluation trajectories, i.e. one in 30 for eval.
SPLIT_PERIOD = 30


def schema(size: int, n_targets: int, steps: int, resolution: int = 64) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """``{key: (shape, dtype)}`` of a file of ``steps`` actions of a ``size`` maze."""
    t = steps + 1
    f8 = np.dtype(np.float64)
    return {
        "image": ((t, resolution, resolution, 3), np.dtype(np.uint8)),
        "action": ((t, N_ACTIONS), f8),
        "reward": ((t,), f8),
        "maze_layout": ((t, size, size), np.dtype(np.uint8)),
        "agent_pos": ((t, 2), f8),
        "agent_dir": ((t, 2), f8),
        "targets_pos": ((t, n_targets, 2), f8),
        "targets_vec": ((t, n_targets, 2), f8),
        "target_pos": ((t, 2), f8),
        "target_vec": ((t, 2), f8),
        "target_color": ((t, 3), f8),
        "seed": ((), np.dtype(np.int64)),
    }


def split_of(index: int) -> str:
    """``"eval"`` for one episode index in 30 (the original's 1k of 30k), else ``"train"``."""
    return "eval" if index % SPLIT_PERIOD == SPLIT_PERIOD - 1 else "train"


# ---------------------------------------------------------------------------- writing


def save_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray]) -> None:
    """Writes a compressed NPZ atomically and deterministically.

    The archive is written to a temporary file in the same folder (``.NAME.XXXX.tmp``)
    and moved into place with ``os.replace``, so ``path`` is either complete or absent.
    Members carry a fixed timestamp, so the same arrays give the same bytes
    (``numpy.savez_compressed`` stamps the current time). ``numpy.load`` reads it.
    """
    with atomic_write(path, "wb") as out:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
            for key, value in arrays.items():
                info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                with zf.open(info, "w", force_zip64=True) as f:
                    np.lib.format.write_array(f, np.asanyarray(value), allow_pickle=False)


class EpisodeRecorder:
    """Collects one trajectory in the dataset's format from dict observations.

    ``start(obs)`` with the reset observation (``image`` and the probe keys), then
    ``add(action, reward, obs)`` after every step; ``arrays()`` stacks them."""

    def __init__(self) -> None:
        self._rows: dict[str, list[np.ndarray]] = {}

    def start(self, obs: dict[str, Any]) -> None:
        self._rows = {k: [] for k in KEYS}
        self._append(np.zeros(N_ACTIONS), 0.0, obs)

    def add(self, action: int, reward: float, obs: dict[str, Any]) -> None:
        onehot = np.zeros(N_ACTIONS)
        onehot[int(action)] = 1.0
        self._append(onehot, reward, obs)

    def _append(self, action: np.ndarray, reward: float, obs: dict[str, Any]) -> None:
        rows = self._rows
        rows["action"].append(action)
        rows["reward"].append(np.float64(reward))
        for k in KEYS:
            if k not in ("action", "reward"):
                rows[k].append(np.array(obs[k], copy=True))

    def __len__(self) -> int:
        return len(self._rows.get("reward", ()))

    def arrays(self) -> dict[str, np.ndarray]:
        out = {k: np.stack(self._rows[k]) for k in KEYS}
        out["action"] = out["action"].astype(np.float64)
        out["reward"] = out["reward"].astype(np.float64)
        out["image"] = out["image"].astype(np.uint8)
        out["maze_layout"] = out["maze_layout"].astype(np.uint8)
        for k in PROBE_KEYS:
            if k != "maze_layout":
                out[k] = out[k].astype(np.float64)
        return out


# ---------------------------------------------------------------------------- reading


def episode_files(source: str | os.PathLike | Sequence[str | os.PathLike]) -> list[Path]:
    """The trajectory files of a folder (searched recursively, sorted by path), or a list of files."""
    if isinstance(source, (str, os.PathLike)):
        root = Path(source)
        if root.is_file():
            return [root]
        if not root.is_dir():
            raise FileNotFoundError(f"no such dataset folder or file: {root}")
        return sorted(p for p in root.rglob("*.npz") if not p.name.startswith("."))
    return [Path(p) for p in source]


def load_episode(path: str | os.PathLike, keys: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """One trajectory file as a dict of arrays (only ``keys`` if given)."""
    with np.load(path, allow_pickle=False) as f:
        names = f.files if keys is None else [k for k in keys]
        missing = [k for k in names if k not in f.files]
        if missing:
            raise KeyError(f"{path}: no key(s) {missing}; it has {sorted(f.files)}")
        return {k: f[k] for k in names}


def load(source: str | os.PathLike | Sequence[str | os.PathLike], keys: Iterable[str] | None = None) -> Iterator[dict[str, np.ndarray]]:
    """Iterates the episodes of a dataset folder (or a list of files) as dicts of arrays,
    in file-name order; ``keys`` restricts what is read (``image`` is most of the bytes)."""
    keys = None if keys is None else tuple(keys)
    for path in episode_files(source):
        yield load_episode(path, keys)


def windows(episode: dict[str, np.ndarray], seq_len: int, keys: Iterable[str] | None = None) -> Iterator[dict[str, np.ndarray]]:
    """Consecutive non-overlapping windows of ``seq_len`` steps of one episode (the
    remainder at the end is dropped): a deterministic pass for evaluation."""
    keys = [k for k in (keys or episode) if k in TIME_KEYS and k in episode]
    length = len(episode[keys[0]])
    for start in range(0, length - seq_len + 1, seq_len):
        yield {k: episode[k][start : start + seq_len] for k in keys}


class SequenceSampler:
    """Random fixed-length windows of a dataset, batched as numpy arrays.

    Each batch is ``{key: array (batch_size, seq_len, ...)}`` over the time keys asked
    for. Windows are drawn uniformly over the start positions of the episodes held in a
    pool of ``pool_size`` loaded episodes; after every batch, ``swap`` episodes of the
    pool are replaced by others read from disk, so a large dataset streams through
    memory (all of it when ``pool_size`` is at least the number of files). Iterating
    never ends; ``zip(range(n), sampler)`` takes ``n`` batches.

    Args:
        source: a dataset folder (searched recursively) or a list of files.
        seq_len: steps per window (at most an episode's length, ``T + 1``).
        batch_size: windows per batch.
        keys: the keys to load and batch (default: every time key).
        seed: seed of the sampler's generator (which episodes, which windows).
        pool_size: episodes held in memory at once.
        swap: episodes replaced in the pool after every batch.
    """

    def __init__(
        self,
        source: str | os.PathLike | Sequence[str | os.PathLike],
        seq_len: int,
        batch_size: int,
        keys: Iterable[str] | None = None,
        seed: int | None = None,
        pool_size: int = 32,
        swap: int = 1,
    ):
        if seq_len < 1 or batch_size < 1 or pool_size < 1:
            raise ValueError("seq_len, batch_size and pool_size must be positive")
        self.files = episode_files(source)
        if not self.files:
            raise ValueError(f"no .npz episodes in {source}")
        self.seq_len = int(seq_len)
        self.batch_size = int(batch_size)
        self.keys = tuple(keys) if keys is not None else TIME_KEYS
        bad = [k for k in self.keys if k not in TIME_KEYS]
        if bad:
            raise ValueError(f"keys {bad} have no time axis; choose among {TIME_KEYS}")
        self.rng = np.random.default_rng(seed)
        self.pool_size = min(int(pool_size), len(self.files))
        self.swap = int(swap) if self.pool_size < len(self.files) else 0
        self._pool: list[dict[str, np.ndarray]] = []
        self._pool_idx: list[int] = []

    def _load(self, i: int) -> dict[str, np.ndarray]:
        ep = load_episode(self.files[i], self.keys)
        n = len(ep[self.keys[0]])
        if n < self.seq_len:
            raise ValueError(f"{self.files[i]} has {n} steps, fewer than seq_len={self.seq_len}")
        return ep

    def _fill(self) -> None:
        chosen = self.rng.choice(len(self.files), size=self.pool_size, replace=False)
        self._pool_idx = [int(i) for i in chosen]
        self._pool = [self._load(i) for i in self._pool_idx]

    def _refresh(self) -> None:
        for _ in range(self.swap):
            slot = int(self.rng.integers(self.pool_size))
            free = np.setdiff1d(np.arange(len(self.files)), self._pool_idx)
            i = int(free[self.rng.integers(len(free))])
            self._pool_idx[slot] = i
            self._pool[slot] = self._load(i)

    def sample(self) -> dict[str, np.ndarray]:
        """One batch."""
        if not self._pool:
            self._fill()
        else:
            self._refresh()
        lengths = np.array([len(ep[self.keys[0]]) for ep in self._pool])
        starts_per_ep = lengths - self.seq_len + 1
        which = self.rng.choice(len(self._pool), size=self.batch_size, p=starts_per_ep / starts_per_ep.sum())
        starts = [int(self.rng.integers(starts_per_ep[e])) for e in which]
        return {
            k: np.stack([self._pool[e][k][s : s + self.seq_len] for e, s in zip(which, starts)])
            for k in self.keys
        }

    def __iter__(self) -> Iterator[dict[str, np.ndarray]]:
        while True:
            yield self.sample()


__all__ = [
    "KEYS",
    "SPLIT_PERIOD",
    "EpisodeRecorder",
    "SequenceSampler",
    "episode_files",
    "load",
    "load_episode",
    "save_npz",
    "schema",
    "split_of",
    "windows",
]
