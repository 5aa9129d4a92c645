"""Continuous recognition: has this picture been shown before in the episode?

Spec ``dmlab30_and_memory_suite.md`` 1.22 (DMLab-30) and 2.11 (Memory Task Suite).
"""

from __future__ import annotations

from typing import ClassVar

from memory_bench.envs.psychlab.tasks._common import PictureTask, show_picture

#: Buttons: "new" at the middle of the left edge, "seen" (seen before) of the right.
BUTTONS = {"new": (0.0, 0.45), "seen": (0.9, 0.45)}
P_NEW = 0.5


class ContinuousRecognition(PictureTask):
    """PsychLab continuous recognition (familiarity memory over a growing list).

    ## Description
    After fixation a picture (75 % of a 512-pixel white screen) appears with two black
    buttons at the middle of the left edge (``new``) and of the right edge (``seen``,
    seen before in this episode). The first trial shows a new picture; afterwards each
    trial shows a new picture with probability 0.5, otherwise a uniformly drawn picture
    among those already shown. Looking at a button colours it (bright green if right,
    bright red if wrong); looking away ends the trial.

    ## Action Space
    ``Discrete(11)`` look actions (or ``Box(-1, 1, (2,))``), see :class:`PsychLabEnv`.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``, the first-person view of the screen.

    ## Rewards
    +1 for a correct answer, 0 otherwise, paid when the gaze leaves the button.

    ## Episode End
    18000 frames (4500 steps) or 60 trials (DMLab-30); Memory Task Suite: 50 trials /
    18000 frames (train), 40 / 18000 (interpolate), 75 / 27000 (extrapolate), and 300
    frames off the screen.

    ## Arguments
    ``stimuli``: ``"all"``, ``"train"`` (even indices) or ``"holdout"`` (odd).

    ``info``: ``correct_answer`` (``"new"`` or ``"seen"``), ``set_size`` (pictures shown
    so far, before this trial), ``image``.

    ## Reference scores
    DMLab-30: human 58.3, random 0.224.

    ## Version History
    * v0: initial release.
    """

    human_score: ClassVar[float | None] = 58.3
    random_score: ClassVar[float | None] = 0.224

    def _reset_task(self) -> None:
        super()._reset_task()
        self.seen: list[int] = []

    def _start_trial(self) -> None:
        new = not self.seen or (self._fresh_left() and self.np_random.random() < P_NEW)
        if new:
            image = self._new_picture()
        else:
            image = self.seen[int(self.np_random.integers(len(self.seen)))]
        self.truth.update(set_size=len(self.seen), image=image)
        if new:
            self.seen.append(image)
        show_picture(self.screen, image)
        self._add_buttons(dict(BUTTONS), "new" if new else "seen")
