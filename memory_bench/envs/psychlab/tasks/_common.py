"""Helpers shared by the image tasks (stimulus pools, the centred picture)."""

from __future__ import annotations

from typing import Any

import numpy as np

from memory_bench.envs.psychlab.base import PsychLabEnv
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


class PictureTask(PsychLabEnv):
    """Base of the tasks that show object pictures: the stimulus set (``stimuli``) and a
    per-episode shuffled order in which new pictures are drawn."""

    screen_size = 512
    default_episode_frames = 18000
    default_max_trials = 60

    def __init__(self, *, stimuli: str = "all", **kwargs: Any):
        self.pool = stimulus_pool(stimuli)
        self.stimuli = stimuli
        if stimuli != "all":
            # The class's reference scores are its DMLab-30 level's (the whole picture
            # set); the spec has none for the Memory Task Suite levels (section 3 lists
            # DMLab-30 only, 2.14 leaves the suite's unverified).
            self.human_score = self.random_score = None
        super().__init__(**kwargs)

    def _reset_task(self) -> None:
        self._order = self.np_random.permutation(self.pool)
        self._next_new = 0

    def _fresh_left(self) -> bool:
        return self._next_new < len(self._order)

    def _new_picture(self) -> int:
        """The next picture never shown in this episode."""
        image = int(self._order[self._next_new])
        self._next_new += 1
        return image
