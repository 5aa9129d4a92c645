"""Probe evaluation: how much of the maze an agent's memory state holds, as in the original.

The original Memory Maze paper (Pasukonis et al., 2022) scores a representation learned
from the offline dataset by training small *probes* that read the hidden state from the
agent's per-step features, frozen:

* **walls**: predict the whole wall layout (``maze_layout``: N x N cells, wall or floor)
  at every step; metric: per-cell classification **accuracy** (higher is better).
* **objects**: predict the positions of all K targets at every step; metric: **mean
  squared error in grid cells**, the squared Euclidean distance between predicted and
  true position averaged over steps and objects (lower is better). By default the
  agent-centric positions ``targets_vec`` (right, forward), which need the agent's own
  position and heading as well as the objects'; ``objects="targets_pos"`` probes the
  global positions.

Protocol of this module (numpy only):

1. Features: one array ``(T+1, F)`` per episode, aligned with the episode's arrays
   (row ``t`` = the agent's state after seeing ``image[t]``).
2. Fit on training episodes, evaluate on held-out episodes (the dataset's ``--split``:
   ``train/`` and ``eval/``). Features are standardised with the training mean and std.
3. Probe models: linear, fitted in closed form by ridge regression (``alpha``, the bias not
   penalised). Walls: a ridge regression on the 0/1 wall indicator of each cell,
   thresholded at 0.5 (``walls_model="ridge"``, default), or a logistic regression per
   cell by full-batch gradient descent (``walls_model="logistic"``). Objects: a ridge
   regression on the K x 2 coordinates. (The paper's probes are small MLPs trained with
   gradients; a linear probe is a lower bound of what an MLP reads out.)
4. Metrics over every step after the first ``skip`` steps of each evaluation episode
   (default 0: the whole trajectory, early steps included, where nothing is known yet).

References, so that a number can be placed:

* :func:`baseline_scores`, a memoryless prior: every cell predicted as its most common
  value in the training episodes (per cell), every object at its mean training position.
* :func:`oracle_scores`, the supervised oracle: the same probes fitted on the *true
  state* as features (:func:`oracle_features`: the layout, the objects' and the agent's
  positions, its heading and their products), the ceiling of a perfect memory.

Example::

    from memory_bench.data import load
    from memory_bench.data.probes import PROBE_KEYS, evaluate, baseline_scores, oracle_scores

    train = list(load("data/9x9/train", keys=PROBE_KEYS))
    test = list(load("data/9x9/eval", keys=PROBE_KEYS))
    feats_train = [my_model_states(ep) for ep in train]   # (T+1, F) each
    feats_test = [my_model_states(ep) for ep in test]
    print(evaluate(feats_train, train, feats_test, test))  # {'walls_accuracy': ..., 'objects_mse': ...}
    print(baseline_scores(train, test), oracle_scores(train, test))
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

#: The episode keys the probes read.
PROBE_KEYS = ("maze_layout", "agent_pos", "agent_dir", "targets_pos", "targets_vec")
OBJECT_KEYS = ("targets_vec", "targets_pos")


# ---------------------------------------------------------------------------- targets and metrics


def wall_targets(episode: Mapping[str, np.ndarray]) -> np.ndarray:
    """``(T+1, N*N)`` float: 1 where the cell is a wall (``maze_layout == 0``), else 0."""
    layout = np.asarray(episode["maze_layout"])
    return (layout == 0).reshape(len(layout), -1).astype(np.float64)


def object_targets(episode: Mapping[str, np.ndarray], objects: str = "targets_vec") -> np.ndarray:
    """``(T+1, K*2)``: the objects' positions (``targets_vec`` or ``targets_pos``), flattened."""
    if objects not in OBJECT_KEYS:
        raise ValueError(f"objects={objects!r}: choose one of {OBJECT_KEYS}")
    pos = np.asarray(episode[objects], dtype=np.float64)
    return pos.reshape(len(pos), -1)


def walls_accuracy(pred_walls: np.ndarray, true_walls: np.ndarray) -> float:
    """Fraction of cells (over all steps) whose wall/floor class is predicted right."""
    pred_walls, true_walls = np.asarray(pred_walls).astype(bool), np.asarray(true_walls).astype(bool)
    if pred_walls.shape != true_walls.shape:
        raise ValueError(f"shapes differ: {pred_walls.shape} vs {true_walls.shape}")
    return float((pred_walls == true_walls).mean())


def objects_mse(pred_pos: np.ndarray, true_pos: np.ndarray) -> float:
    """Mean over steps and objects of the squared distance (grid cells²) between predicted
    and true positions; arrays ``(..., 2)`` or flattened ``(T, K*2)``."""
    pred_pos, true_pos = np.asarray(pred_pos, dtype=np.float64), np.asarray(true_pos, dtype=np.float64)
    if pred_pos.shape != true_pos.shape:
        raise ValueError(f"shapes differ: {pred_pos.shape} vs {true_pos.shape}")
    d = (pred_pos - true_pos).reshape(-1, 2)
    return float((d**2).sum(axis=1).mean())


# ---------------------------------------------------------------------------- models


@dataclass
class Standardizer:
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> "Standardizer":
        std = x.std(axis=0)
        return cls(x.mean(axis=0), np.where(std > 1e-8, std, 1.0))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return (x - self.mean) / self.std


def ridge_fit(x: np.ndarray, y: np.ndarray, alpha: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``(F, O)`` and bias ``(O,)`` minimising ``|x W + b - y|² + alpha |W|²``
    (closed form; the bias is not penalised)."""
    xm, ym = x.mean(axis=0), y.mean(axis=0)
    xc, yc = x - xm, y - ym
    gram = xc.T @ xc
    gram[np.diag_indices_from(gram)] += alpha
    w = np.linalg.solve(gram, xc.T @ yc)
    return w, ym - xm @ w


def logistic_fit(x: np.ndarray, y: np.ndarray, alpha: float = 1.0, epochs: int = 200, lr: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Independent logistic regressions (one per column of 0/1 ``y``) by full-batch
    gradient descent on the mean log loss plus ``alpha / n |W|²``, started from zero."""
    n, f = x.shape
    w = np.zeros((f, y.shape[1]))
    b = np.log((y.mean(axis=0) + 1e-3) / (1 - y.mean(axis=0) + 1e-3))
    for _ in range(epochs):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / n + 2 * alpha / n * w)
        b -= lr * g.mean(axis=0)
    return w, b


@dataclass
class Probes:
    """Fitted wall and object probes (see :func:`fit`)."""

    scaler: Standardizer
    walls_w: np.ndarray
    walls_b: np.ndarray
    walls_model: str
    objects_w: np.ndarray
    objects_b: np.ndarray
    objects: str
    size: int

    def predict(self, features: np.ndarray) -> dict[str, np.ndarray]:
        """``{"walls": (T, N, N) bool (True = wall), "objects": (T, K, 2)}`` for one episode's features."""
        x = self.scaler(np.asarray(features, dtype=np.float64))
        logits = x @ self.walls_w + self.walls_b
        walls = logits > (0.0 if self.walls_model == "logistic" else 0.5)
        objects = x @ self.objects_w + self.objects_b
        return {"walls": walls.reshape(len(x), self.size, self.size), "objects": objects.reshape(len(x), -1, 2)}


def _stack(features: Sequence[np.ndarray], episodes: Sequence[Mapping[str, np.ndarray]], objects: str, skip: int = 0):
    if len(features) != len(episodes):
        raise ValueError(f"{len(features)} feature arrays for {len(episodes)} episodes")
    xs, walls, objs = [], [], []
    for f, ep in zip(features, episodes):
        f = np.asarray(f, dtype=np.float64)
        if f.ndim != 2 or len(f) != len(ep["maze_layout"]):
            raise ValueError(f"features must be (T+1, F) aligned with the episode ({len(ep['maze_layout'])} steps); got {f.shape}")
        xs.append(f[skip:])
        walls.append(wall_targets(ep)[skip:])
        objs.append(object_targets(ep, objects)[skip:])
    return np.concatenate(xs), np.concatenate(walls), np.concatenate(objs)


def fit(
    features: Sequence[np.ndarray],
    episodes: Sequence[Mapping[str, np.ndarray]],
    objects: str = "targets_vec",
    alpha: float = 1.0,
    walls_model: str = "ridge",
) -> Probes:
    """Fits the wall and object probes on training episodes' features."""
    if walls_model not in ("ridge", "logistic"):
        raise ValueError(f"walls_model={walls_model!r}: choose 'ridge' or 'logistic'")
    x, walls, objs = _stack(features, episodes, objects)
    scaler = Standardizer.fit(x)
    x = scaler(x)
    if walls_model == "ridge":
        ww, wb = ridge_fit(x, walls, alpha)
    else:
        ww, wb = logistic_fit(x, walls, alpha)
    ow, ob = ridge_fit(x, objs, alpha)
    size = int(np.asarray(episodes[0]["maze_layout"]).shape[-1])
    return Probes(scaler, ww, wb, walls_model, ow, ob, objects, size)


def score(probes: Probes, features: Sequence[np.ndarray], episodes: Sequence[Mapping[str, np.ndarray]], skip: int = 0) -> dict[str, float]:
    """``{"walls_accuracy", "objects_mse"}`` of fitted probes on (held-out) episodes."""
    x, walls, objs = _stack(features, episodes, probes.objects, skip)
    pred = probes.predict(x)
    return {
        "walls_accuracy": walls_accuracy(pred["walls"].reshape(len(x), -1), walls),
        "objects_mse": objects_mse(pred["objects"], objs.reshape(len(x), -1, 2)),
    }


def evaluate(
    train_features: Sequence[np.ndarray],
    train_episodes: Sequence[Mapping[str, np.ndarray]],
    eval_features: Sequence[np.ndarray],
    eval_episodes: Sequence[Mapping[str, np.ndarray]],
    objects: str = "targets_vec",
    alpha: float = 1.0,
    walls_model: str = "ridge",
    skip: int = 0,
) -> dict[str, float]:
    """The protocol in one call: fit on the training episodes, score on the eval episodes."""
    probes = fit(train_features, train_episodes, objects, alpha, walls_model)
    return score(probes, eval_features, eval_episodes, skip)


# ---------------------------------------------------------------------------- references


def baseline_scores(
    train_episodes: Sequence[Mapping[str, np.ndarray]],
    eval_episodes: Sequence[Mapping[str, np.ndarray]],
    objects: str = "targets_vec",
    skip: int = 0,
) -> dict[str, float]:
    """The trivial, memoryless baseline: each cell's most common value over the training
    steps, each object's mean training position."""
    walls = np.concatenate([wall_targets(ep) for ep in train_episodes])
    objs = np.concatenate([object_targets(ep, objects) for ep in train_episodes])
    cell_prior = walls.mean(axis=0) > 0.5
    obj_mean = objs.mean(axis=0)
    true_w = np.concatenate([wall_targets(ep)[skip:] for ep in eval_episodes])
    true_o = np.concatenate([object_targets(ep, objects)[skip:] for ep in eval_episodes])
    return {
        "walls_accuracy": walls_accuracy(np.broadcast_to(cell_prior, true_w.shape), true_w),
        "objects_mse": objects_mse(np.broadcast_to(obj_mean, true_o.shape), true_o),
    }


def oracle_features(episode: Mapping[str, np.ndarray]) -> np.ndarray:
    """The true state as ``(T+1, F)`` features: the layout, the objects' and the agent's
    positions, its heading, and the products of heading and relative positions (from
    which the agent-centric positions are linear)."""
    layout = np.asarray(episode["maze_layout"], dtype=np.float64)
    t = len(layout)
    pos = np.asarray(episode["agent_pos"], dtype=np.float64)
    d = np.asarray(episode["agent_dir"], dtype=np.float64)
    targets = np.asarray(episode["targets_pos"], dtype=np.float64)
    rel = targets - pos[:, None, :]
    products = rel[:, :, :, None] * d[:, None, None, :]  # (T, K, 2, 2)
    return np.concatenate(
        [layout.reshape(t, -1), targets.reshape(t, -1), pos, d, products.reshape(t, -1)], axis=1
    )


def oracle_scores(
    train_episodes: Sequence[Mapping[str, np.ndarray]],
    eval_episodes: Sequence[Mapping[str, np.ndarray]],
    objects: str = "targets_vec",
    alpha: float = 1e-3,
    skip: int = 0,
) -> dict[str, float]:
    """The supervised-oracle reference: the probes fitted on the true state (:func:`oracle_features`)."""
    return evaluate(
        [oracle_features(ep) for ep in train_episodes], train_episodes,
        [oracle_features(ep) for ep in eval_episodes], eval_episodes,
        objects=objects, alpha=alpha, skip=skip,
    )


__all__ = [
    "PROBE_KEYS",
    "Probes",
    "baseline_scores",
    "evaluate",
    "fit",
    "logistic_fit",
    "object_targets",
    "objects_mse",
    "oracle_features",
    "oracle_scores",
    "ridge_fit",
    "score",
    "wall_targets",
    "walls_accuracy",
]
