"""Tests of the synthetic PsychLab stimulus set (memory_bench.envs.psychlab.stimuli)."""

from __future__ import annotations

import numpy as np
import pytest

from memory_bench.envs.psychlab import stimuli
from memory_bench.envs.psychlab.stimuli import (
    N_OBJECTS,
    digit_image,
    object_image,
    split_indices,
    stimulus_digest,
)

#: sha256 of the whole set (objects at 64 px, then the digits); see stimulus_digest().
EXPECTED_DIGEST = "829169f5da06dbe4ce9be7062349231022b7855fa9354340cfc5da6c2a6c0627"

#: Smallest mean absolute difference (0-255 scale, over all pixels and channels)
#: allowed between two objects at 32x32. 8/255 is about 3% of the range: as much as
#: recolouring a quarter of the picture by 32 levels in every channel, or a region of
#: 3% of it from black to white, far above any difference a viewer (or a network)
#: would confuse for noise; the set measures 11.65 (see the module docstring).
MIN_DISTANCE = 8.0


@pytest.fixture(scope="module")
def objects32() -> np.ndarray:
    """All objects at 32x32, flattened: (2400, 3072) uint8."""
    return np.stack([object_image(i, 32) for i in range(N_OBJECTS)]).reshape(N_OBJECTS, -1)


def min_mean_abs_diff(x: np.ndarray) -> tuple[float, int, int]:
    """Exact minimum over pairs of rows of the mean absolute difference, and the pair.

    Brute force over 2.9 million pairs of 3,072 values takes about a minute here, so the
    search is pruned with an exact bound. For integer rows with values in [0, 255],
    ``sum(d^2) <= 255 * sum(|d|)``, so a pair whose L1 distance is at most ``U`` has a
    squared L2 distance at most ``255 U``. The squared L2 distances of all pairs come
    from one float64 Gram matrix, which is exact here (every product and partial sum is
    an integer below 2^53). ``U`` is the smallest L1 distance among the nearest L2
    neighbours; the exact L1 distance is then computed, vectorised in chunks, for every
    pair within the L2 bound, which includes the minimising pair.
    """
    n, d = x.shape
    xf = x.astype(np.float64)
    sq = np.einsum("ij,ij->i", xf, xf)
    d2 = sq[:, None] + sq[None, :] - 2.0 * (xf @ xf.T)
    np.fill_diagonal(d2, np.inf)
    xi = x.astype(np.int32)
    nn = d2.argmin(axis=1)
    l1_nn = np.abs(xi - xi[nn]).sum(axis=1)
    k = int(l1_nn.argmin())
    best = (int(l1_nn[k]), k, int(nn[k]))
    ii, jj = np.nonzero(np.triu(d2 <= 255.0 * best[0], 1))
    assert len(ii) < 50_000  # the bound prunes almost all pairs
    for a in range(0, len(ii), 4096):
        l1 = np.abs(xi[ii[a:a + 4096]] - xi[jj[a:a + 4096]]).sum(axis=1)
        k = int(l1.argmin())
        if l1[k] < best[0]:
            best = (int(l1[k]), int(ii[a + k]), int(jj[a + k]))
    return best[0] / d, best[1], best[2]


def test_min_mean_abs_diff_matches_brute_force() -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(60, 48), dtype=np.uint8)
    x[7] = x[3] // 2 + x[7] // 2  # a close pair
    x[50] = np.minimum(x[20].astype(np.int32) + 3, 255)
    brute = np.abs(x[:, None].astype(np.int32) - x[None].astype(np.int32)).mean(axis=2)
    np.fill_diagonal(brute, np.inf)
    m, i, j = min_mean_abs_diff(x)
    assert m == pytest.approx(brute.min())
    assert brute[i, j] == pytest.approx(m)


# --- objects --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [16, 32, 64, 128, 256])
def test_object_shape_and_dtype(size: int) -> None:
    img = object_image(5, size)
    assert img.shape == (size, size, 3)
    assert img.dtype == np.uint8
    assert img.flags.writeable  # a copy, not the cached array


def test_object_image_is_a_copy() -> None:
    a = object_image(11, 64)
    a[:] = 0
    assert object_image(11, 64).max() == 255


@pytest.mark.parametrize("index", [-1, N_OBJECTS, 10**6])
def test_object_bad_index(index: int) -> None:
    with pytest.raises(ValueError, match=rf"{index}.*\[0, 2400\)"):
        object_image(index)


def test_object_bad_types_and_size() -> None:
    with pytest.raises(TypeError):
        object_image(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        object_image(True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="16"):
        object_image(0, 8)
    assert np.array_equal(object_image(np.int64(3), 32), object_image(3, 32))


def test_object_deterministic() -> None:
    for i in (0, 1, 777, 2399):
        a = stimuli._render.__wrapped__(i, 64)
        b = stimuli._render.__wrapped__(i, 64)
        assert np.array_equal(a, b)
        assert np.array_equal(object_image(i, 64), a)


def test_white_background_and_centred(objects32: np.ndarray) -> None:
    imgs = objects32.reshape(N_OBJECTS, 32, 32, 3)
    for border in (imgs[:, 0], imgs[:, -1], imgs[:, :, 0], imgs[:, :, -1]):
        assert (border == 255).all()
    for corner in (imgs[:, :2, :2], imgs[:, :2, -2:], imgs[:, -2:, :2], imgs[:, -2:, -2:]):
        assert (corner == 255).all()
    ink = (imgs != 255).any(axis=3)
    assert ink.mean(axis=(1, 2)).min() > 0.2  # a sizeable object
    for axis in (1, 2):  # the bounding box of every object is centred, to a pixel
        m = ink.any(axis=axis)
        first, last = m.argmax(axis=1), 31 - m[:, ::-1].argmax(axis=1)
        assert np.abs((first + last) / 2 - 15.5).max() <= 1


def test_sizes_agree() -> None:
    """The same drawing at every size: a downscaled 128 px picture is close to the 32 px one."""
    for i in (2, 3, 999):
        big = object_image(i, 128).astype(np.float64).reshape(32, 4, 32, 4, 3).mean(axis=(1, 3))
        assert np.abs(big - object_image(i, 32)).mean() < 4


def test_objects_distinct(objects32: np.ndarray) -> None:
    m, i, j = min_mean_abs_diff(objects32)
    assert m >= MIN_DISTANCE, (m, i, j)
    for split in ("train", "holdout"):
        idx = split_indices(split)
        m_split, _, _ = min_mean_abs_diff(objects32[idx])
        assert m_split >= MIN_DISTANCE, (split, m_split)
        assert m_split >= m


def test_factor_balance() -> None:
    factors = [stimuli.object_factors(i) for i in range(N_OBJECTS)]
    assert len({tuple(f.values()) for f in factors}) == N_OBJECTS
    for split in ("train", "holdout"):
        fams = [factors[i]["family"] for i in split_indices(split)]
        assert {fams.count(f) for f in stimuli.FAMILY_NAMES} == {40}


# --- splits ---------------------------------------------------------------------------


def test_split_indices() -> None:
    train, holdout = split_indices("train"), split_indices("holdout")
    assert len(train) == len(holdout) == N_OBJECTS // 2
    assert (train % 2 == 0).all() and (holdout % 2 == 1).all()
    assert np.array_equal(np.sort(np.concatenate([train, holdout])), np.arange(N_OBJECTS))
    with pytest.raises(ValueError, match="'train'.*'holdout'"):
        split_indices("test")


# --- digits ---------------------------------------------------------------------------


def _digits(split: str) -> np.ndarray:
    return np.stack([digit_image(d, split) for d in range(10)]).reshape(10, -1).astype(np.float64)


@pytest.mark.parametrize("split", ["train", "holdout"])
def test_digit_shape_and_mnist_layout(split: str) -> None:
    for d in range(10):
        img = digit_image(d, split)
        assert img.shape == (28, 28) and img.dtype == np.uint8
        assert img.max() == 255  # saturated stroke centres, as MNIST
        ink = img > 0
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        # the digit lies in the central 20x20 box (give or take the anti-aliased edge)
        assert rows[0] >= 3 and rows[-1] <= 24 and cols[0] >= 3 and cols[-1] <= 24
        assert (img[0] == 0).all() and (img[-1] == 0).all() and (img[:, 0] == 0).all() and (img[:, -1] == 0).all()
        assert 0.06 < ink.mean() < 0.4


def test_digits_recognisable_across_splits() -> None:
    train, holdout = _digits("train"), _digits("holdout")
    for a, b in ((train, holdout), (holdout, train)):
        own = np.abs(a[:, None] - a[None]).mean(axis=2)
        assert np.array_equal(own.argmin(axis=1), np.arange(10))
        cross = np.abs(a[:, None] - b[None]).mean(axis=2)
        assert np.array_equal(cross.argmin(axis=1), np.arange(10)), cross.round(1)
    for d in range(10):  # the two exemplars visibly differ
        assert np.abs(train[d] - holdout[d]).mean() > 10


def test_digit_errors() -> None:
    for bad in (-1, 10):
        with pytest.raises(ValueError, match=str(bad)):
            digit_image(bad, "train")
    with pytest.raises(ValueError, match="'train'.*'holdout'"):
        digit_image(3, "val")
    with pytest.raises(TypeError):
        digit_image(2.0, "train")  # type: ignore[arg-type]


def test_digit_deterministic() -> None:
    a = digit_image(7, "holdout")
    a[:] = 0
    assert np.array_equal(digit_image(7, "holdout"), stimuli._render_digit(7, "holdout"))
    assert digit_image(7, "holdout").max() == 255


# --- the whole set --------------------------------------------------------------------


def test_stimulus_digest() -> None:
    assert stimulus_digest() == EXPECTED_DIGEST


def test_png_encoder(tmp_path) -> None:
    import zlib

    path = tmp_path / "sheet.png"
    stimuli._contact_sheet(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    idat_len = int.from_bytes(data[33:37], "big")
    assert data[37:41] == b"IDAT"
    raw = zlib.decompress(data[41:41 + idat_len])
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(height, 1 + 3 * width)
    assert (rows[:, 0] == 0).all()
    img = rows[:, 1:].reshape(height, width, 3)
    assert np.array_equal(img[8:72, 8:72], object_image(0, 64))
