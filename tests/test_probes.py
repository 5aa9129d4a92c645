"""Probe metrics and models on synthetic features with known answers."""

import numpy as np
import pytest

from memory_bench.data import probes as P


def _episodes(n_episodes, steps=8, size=5, k=2, seed=0):
    """Synthetic episodes: random layouts and targets, a random walk with headings;
    ``targets_vec`` from its definition (right, forward)."""
    rng = np.random.default_rng(seed)
    eps = []
    for _ in range(n_episodes):
        layout = (rng.random((size, size)) < 0.7).astype(np.uint8)
        targets = rng.uniform(0, size, (k, 2))
        pos = rng.uniform(0, size, (steps, 2))
        ang = rng.uniform(0, 2 * np.pi, steps)
        d = np.stack([np.cos(ang), np.sin(ang)], axis=1)
        rel = targets[None] - pos[:, None]
        right = rel[..., 0] * d[:, None, 1] - rel[..., 1] * d[:, None, 0]
        forward = (rel * d[:, None]).sum(-1)
        eps.append({
            "maze_layout": np.repeat(layout[None], steps, 0),
            "agent_pos": pos, "agent_dir": d,
            "targets_pos": np.repeat(targets[None], steps, 0),
            "targets_vec": np.stack([right, forward], -1),
        })
    return eps


def test_metrics_by_hand():
    true = np.array([[1, 0, 1, 1]], dtype=bool)
    assert P.walls_accuracy(np.array([[1, 1, 1, 0]]), true) == 0.5
    pred = np.array([[[0.0, 0.0], [1.0, 1.0]]])
    truth = np.array([[[3.0, 4.0], [1.0, 1.0]]])
    assert P.objects_mse(pred, truth) == pytest.approx(12.5)  # (25 + 0) / 2 objects
    assert P.objects_mse(pred.reshape(1, 4), truth.reshape(1, 4)) == pytest.approx(12.5)
    with pytest.raises(ValueError):
        P.walls_accuracy(np.zeros((2, 3)), np.zeros((2, 4)))


def test_targets_of_an_episode():
    ep = _episodes(1, steps=3)[0]
    w = P.wall_targets(ep)
    assert w.shape == (3, 25) and ((w == 1) == (ep["maze_layout"].reshape(3, -1) == 0)).all()
    assert P.object_targets(ep, "targets_pos").shape == (3, 4)
    with pytest.raises(ValueError):
        P.object_targets(ep, "agent_pos")


def test_ridge_recovers_a_linear_map():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(500, 6))
    w = rng.normal(size=(6, 3))
    y = x @ w + 2.0
    w_hat, b_hat = P.ridge_fit(x, y, alpha=1e-9)
    np.testing.assert_allclose(w_hat, w, atol=1e-6)
    np.testing.assert_allclose(b_hat, 2.0, atol=1e-6)


def test_informative_features_beat_the_baseline_and_noise_does_not():
    train, test = _episodes(300, seed=0), _episodes(100, seed=1)
    # features: the true state plus noise
    feats = lambda eps, s: [P.oracle_features(e) + np.random.default_rng(s + i).normal(0, 0.05, P.oracle_features(e).shape)  # noqa: E731
                            for i, e in enumerate(eps)]
    good = P.evaluate(feats(train, 0), train, feats(test, 10_000), test)
    base = P.baseline_scores(train, test)
    noise = P.evaluate([np.random.default_rng(i).normal(size=(8, 20)) for i in range(300)], train,
                       [np.random.default_rng(1000 + i).normal(size=(8, 20)) for i in range(100)], test)
    assert good["walls_accuracy"] > 0.97 and good["objects_mse"] < 0.1 * base["objects_mse"]
    assert base["walls_accuracy"] == pytest.approx(0.7, abs=0.05)
    assert noise["walls_accuracy"] < base["walls_accuracy"] + 0.03
    assert noise["objects_mse"] > 0.9 * base["objects_mse"]
    logistic = P.evaluate(feats(train, 0), train, feats(test, 10_000), test, walls_model="logistic")
    assert logistic["walls_accuracy"] > 0.97


def test_supervised_oracle_is_near_perfect():
    train, test = _episodes(200, seed=2), _episodes(50, seed=3)
    for objects in ("targets_vec", "targets_pos"):
        s = P.oracle_scores(train, test, objects=objects)
        assert s["walls_accuracy"] == 1.0
        assert s["objects_mse"] < 1e-6


def test_baseline_by_hand():
    a = {"maze_layout": np.array([[[0, 1], [1, 1]]] * 2, dtype=np.uint8), "targets_vec": np.array([[[0.0, 0.0]], [[2.0, 2.0]]])}
    b = {"maze_layout": np.array([[[1, 1], [1, 0]]] * 2, dtype=np.uint8), "targets_vec": np.array([[[1.0, 3.0]], [[1.0, 1.0]]])}
    s = P.baseline_scores([a], [b])
    assert s["walls_accuracy"] == pytest.approx(0.5)       # prior: wall at [0, 0] only
    assert s["objects_mse"] == pytest.approx((0 + 4 + 0 + 0) / 2)  # mean position (1, 1)


def test_features_must_align_with_episodes():
    eps = _episodes(2, steps=4)
    with pytest.raises(ValueError, match="aligned"):
        P.fit([np.zeros((3, 2)), np.zeros((4, 2))], eps)
