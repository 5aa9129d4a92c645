"""Image resizing without OpenCV, for single and batched observations.

Gymnasium's ``ResizeObservation`` serves a plain image env when OpenCV is installed
(``pip install opencv-python``)::

    env = gymnasium.wrappers.ResizeObservation(gym.make("memory_bench:MemoryMaze-9x9-HD-v0"), (64, 64))

:class:`ResizeImage` covers what it lacks: the ``image`` key of a dict observation
(``-ExtraObs`` ids), and no OpenCV; :class:`VectorResizeImage` resizes a whole batch
``(N, H, W, C)`` in one numpy call. Downscaling by an integer factor averages blocks
(exact area resampling, as a camera of the smaller size would see); any other size
uses bilinear interpolation::

    env = ResizeImage(gym.make("memory_bench:MemoryMaze-9x9-ExtraObs-v0"), (32, 32))
    envs = VectorResizeImage(gym.make_vec("memory_bench:MemoryMaze-9x9-HD-v0", num_envs=8), (64, 64))
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces
from gymnasium.vector import VectorEnv, VectorObservationWrapper
from gymnasium.vector.utils import batch_space


def resize_images(images: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resizes ``(..., H, W, C)`` uint8 images to ``(..., h, w, C)``: block means for integer
    downscaling, bilinear interpolation otherwise."""
    h, w = shape
    H, W = images.shape[-3], images.shape[-2]
    if (H, W) == (h, w):
        return images.copy()
    if H % h == 0 and W % w == 0:
        fy, fx = H // h, W // w
        blocks = images.reshape(*images.shape[:-3], h, fy, w, fx, images.shape[-1])
        return np.rint(blocks.mean(axis=(-4, -2))).astype(np.uint8)
    ys = (np.arange(h) + 0.5) * H / h - 0.5
    xs = (np.arange(w) + 0.5) * W / w - 0.5
    y0 = np.clip(np.floor(ys).astype(int), 0, H - 1)
    x0 = np.clip(np.floor(xs).astype(int), 0, W - 1)
    y1 = np.clip(y0 + 1, 0, H - 1)
    x1 = np.clip(x0 + 1, 0, W - 1)
    wy = np.clip(ys - y0, 0.0, 1.0)[:, None, None]
    wx = np.clip(xs - x0, 0.0, 1.0)[None, :, None]
    img = images.astype(np.float32)
    top = img[..., y0, :, :][..., :, x0, :] * (1 - wx) + img[..., y0, :, :][..., :, x1, :] * wx
    bot = img[..., y1, :, :][..., :, x0, :] * (1 - wx) + img[..., y1, :, :][..., :, x1, :] * wx
    return np.rint(top * (1 - wy) + bot * wy).astype(np.uint8)


def _check_shape(shape) -> tuple[int, int]:
    if (
        not isinstance(shape, (tuple, list))
        or len(shape) != 2
        or not all(isinstance(v, (int, np.integer)) and v > 0 for v in shape)
    ):
        raise ValueError(f"shape={shape!r} must be (height, width), two positive ints")
    return int(shape[0]), int(shape[1])


def _resized_space(space: spaces.Space, shape: tuple[int, int]) -> spaces.Space:
    def image_space(box: spaces.Box) -> spaces.Box:
        if not (isinstance(box, spaces.Box) and box.dtype == np.uint8 and len(box.shape) == 3):
            raise ValueError(f"expected an (H, W, C) uint8 image space, got {box}")
        return spaces.Box(0, 255, (*shape, box.shape[2]), np.uint8)

    if isinstance(space, spaces.Dict):
        if "image" not in space.spaces:
            raise ValueError("a dict observation needs an 'image' key to resize")
        return spaces.Dict({**space.spaces, "image": image_space(space["image"])})
    return image_space(space)


def _resize_obs(obs, shape: tuple[int, int]):
    if isinstance(obs, dict):
        return {**obs, "image": resize_images(obs["image"], shape)}
    return resize_images(obs, shape)


class ResizeImage(gym.ObservationWrapper, gym.utils.RecordConstructorArgs):
    """Resizes the image (or the ``image`` key of a dict observation) to ``shape``."""

    def __init__(self, env: gym.Env, shape: tuple[int, int]):
        gym.utils.RecordConstructorArgs.__init__(self, shape=shape)
        gym.ObservationWrapper.__init__(self, env)
        self.shape = _check_shape(shape)
        self.observation_space = _resized_space(env.observation_space, self.shape)

    def observation(self, observation):
        return _resize_obs(observation, self.shape)


class VectorResizeImage(VectorObservationWrapper):
    """Resizes a batch of images ``(N, H, W, C)`` (or the batched ``image`` key) in one call."""

    def __init__(self, env: VectorEnv, shape: tuple[int, int]):
        super().__init__(env)
        self.shape = _check_shape(shape)
        self.single_observation_space = _resized_space(env.single_observation_space, self.shape)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)

    def observations(self, observations: Any) -> Any:
        return _resize_obs(observations, self.shape)
