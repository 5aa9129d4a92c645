"""Regenerates the pictures of the README: ``python docs/figures.py`` (needs the ``gui`` extra for PNG writing)."""

from __future__ import annotations

import os
from pathlib import Path

import gymnasium as gym
import numpy as np
import pygame

import memory_bench  # noqa: F401  (registers the ids)

OUT = Path(__file__).parent / "images"


def save(image: np.ndarray, name: str, scale: int = 1) -> None:
    surface = pygame.surfarray.make_surface(np.ascontiguousarray(image.swapaxes(0, 1)))
    if scale > 1:
        surface = pygame.transform.scale_by(surface, scale)
    tmp = OUT / f".{name}.tmp.png"
    pygame.image.save(surface, str(tmp))
    os.replace(tmp, OUT / name)  # no half-written picture if interrupted


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    views = []
    for env_id in ("MemoryMaze-9x9-HD-v0", "MemoryMaze-9x9-Vis-v0", "MemoryMaze-9x9-Top-v0", "MemoryMaze-15x15-Oracle-Top-v0"):
        env = gym.make(f"memory_bench:{env_id}", **({"camera_resolution": 256} if env_id.endswith("Vis-v0") else {}))
        obs, _ = env.reset(seed=1)
        views.append(obs)
        env.close()
    gap = np.full((256, 8, 3), 255, np.uint8)
    row = np.concatenate([v for pair in zip(views, [gap] * len(views)) for v in pair][:-1], axis=1)
    save(row, "views.png")
    env = gym.make("memory_bench:MemoryMaze-9x9-v0")
    obs, _ = env.reset(seed=1)
    save(obs, "first_person_64.png", scale=4)
    env.close()
    save(renderers_side_by_side(), "renderers.png")


def renderers_side_by_side() -> np.ndarray:
    """The same states drawn by the cpu ray caster (top row) and MuJoCo's OpenGL (bottom
    row): 64 px first person (shown 4x), 256 px first person, and the 256 px top view."""
    rows = {"cpu": [], "mujoco": []}
    for env_id, scale in (("MemoryMaze-9x9-v0", 4), ("MemoryMaze-11x11-HD-v0", 1), ("MemoryMaze-13x13-Top-v0", 1)):
        for renderer in rows:
            env = gym.make(f"memory_bench:{env_id}", renderer=renderer)
            obs, _ = env.reset(seed=4)
            for action in (1, 1, 4, 1):
                obs, *_ = env.step(action)
            rows[renderer].append(obs.repeat(scale, 0).repeat(scale, 1))
            env.close()
    gap = np.full((256, 8, 3), 255, np.uint8)
    lines = [np.concatenate([x for img in rows[r] for x in (img, gap)][:-1], axis=1) for r in rows]
    return np.concatenate([lines[0], np.full((8, lines[0].shape[1], 3), 255, np.uint8), lines[1]], axis=0)


if __name__ == "__main__":
    main()
