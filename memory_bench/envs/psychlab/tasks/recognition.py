"""Continuous recognition: has this picture been shown before in the episode?

Spec ``dmlab30_and_memory_suite.md`` 1.22 (DMLab-30) and 2.11 (Memory Task Suite).
"""

from __future__ import annotations

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

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown; no picture has been seen, so the
    first trial's picture is new.

    ## Episode End
    ``truncated`` at 18000 frames (4500 steps); ``terminated`` at 60 trials
    (DMLab-30). Memory Task Suite: 50 trials / 18000 frames (train, ``holdout_small``,
    ``holdout_large``), 40 / 18000 (``interpolate`` scales), 75 / 27000
    (``extrapolate`` scales), and ``terminated`` after 300 consecutive frames with the
    gaze off the screen.

    ## Arguments
    ``stimuli``: ``"all"``, ``"train"`` (even indices) or ``"holdout"`` (odd); plus
    those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (``"new"`` or ``"seen"``), ``set_size`` (pictures shown
    so far, before this trial), ``image``.

    ## Reference scores
    DMLab-30 ``psychlab_continuous_recognition`` (spec section 3): human 58.3, random
    0.224 (episode return). Memory Task Suite levels: none (the spec's table lists
    DMLab-30 only; section 2.14 leaves the suite's scores unverified), so
    ``human_score = random_score = None`` with ``stimuli="train"`` or ``"holdout"``.

    ## Version History
    * v0: initial release.
    """

    human_score: float | None = 58.3
    random_score: float | None = 0.224

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
