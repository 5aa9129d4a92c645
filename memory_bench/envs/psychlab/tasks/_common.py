"""Helpers shared by the image tasks (stimulus pools, the centred picture)."""

from __future__ import annotations

import numpy as np

from memory_bench.envs.psychlab.screen import Screen

#: Stimulus sets: ``all`` (DMLab-30 levels), ``train`` (even indices) and ``holdout``
#: (odd indices) as the Memory Task Suite splits the object pictures.
STIMULI = ("all", "train", "holdout")
IMAGE_SIZE = 0.75
#: Pixel size of the object pictures put on the screen (scaled up to 75 % of it).
PICTURE_PIXELS = 128


def stimulus_pool(stimuli: str) -> np.ndarray:
    """Indices of the object pictures of a stimulus set."""
    from memory_bench.envs.psychlab import stimuli as stim

    if stimuli == "all":
        return np.arange(stim.N_OBJECTS)
    if stimuli in ("train", "holdout"):
        return stim.split_indices(stimuli)
    raise ValueError(f"stimuli must be one of {list(STIMULI)}, got {stimuli!r}")


def show_picture(screen: Screen, index: int, name: str = "image") -> None:
    """Object picture ``index`` at 75 % of the screen, centred."""
    from memory_bench.envs.psychlab import stimuli as stim

    low = (1.0 - IMAGE_SIZE) / 2
    screen.add(name, (low, low), (IMAGE_SIZE, IMAGE_SIZE), image=stim.object_image(int(index), PICTURE_PIXELS))
