"""Arbitrary visuomotor mapping: remember which of four buttons goes with each picture.

Spec ``dmlab30_and_memory_suite.md`` 1.21 (DMLab-30) and 2.9 (Memory Task Suite).
"""

from __future__ import annotations

from memory_bench.envs.psychlab.base import EDGE_BUTTONS
from memory_bench.envs.psychlab.screen import BLACK
from memory_bench.envs.psychlab.tasks._common import PictureTask, show_picture

#: First presentation of a picture: the correct button dull green, the others dull red.
CUE_GREEN = (100, 200, 100)
CUE_RED = (200, 100, 100)


class ArbitraryVisuomotorMapping(PictureTask):
    """PsychLab arbitrary visuomotor mapping (cued recall of picture -> button maps).

    ## Description
    The agent faces a 512-pixel white screen. It looks at the red fixation cross to start
    a trial; a picture (75 % of the screen) appears with four buttons at the middle of
    the edges (``up``, ``down``, ``left``, ``right``). Each picture has one correct
    button. The first time a picture is shown its correct button is cued dull green and
    the others dull red; afterwards all buttons are black. Looking at a button reveals
    the answer (bright green for the correct button, bright red for the others);
    looking away from it ends the trial. Curriculum: the episode starts with one
    picture; the current K pictures are shown in a shuffled block; when all K trials of
    a block are correct a new picture (with a uniformly drawn button) joins, and every
    block is reshuffled.

    ## Action Space
    ``Discrete(11)`` (:data:`memory_bench.envs.psychlab.base.ACTION_NAMES`): only the
    look actions move the gaze (20 pixels per frame, 8.8 degrees per step); or
    ``Box(-1, 1, (2,))`` with ``action_type="continuous"``.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``: the agent's first-person view of the screen
    (``resolution``, ``view`` change it).

    ## Rewards
    +1 for a correct answer, 0 for a wrong one, paid when the gaze leaves the button.

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown. The association list holds one
    picture (drawn from the episode's shuffled stimulus set) with a uniformly drawn
    button; K = 1.

    ## Episode End
    ``truncated`` at 18000 frames (4500 steps); ``terminated`` at 60 trials in
    DMLab-30. Memory Task Suite levels: 50 trials in 18000 frames (train, and the
    ``holdout_small`` / ``holdout_large`` levels), 40 / 18000 (``interpolate``
    scales), 75 / 27000 (``extrapolate`` scales), and ``terminated`` after 300
    consecutive frames with the gaze off the screen.

    ## Arguments
    ``stimuli``: ``"all"`` (2,400 pictures), ``"train"`` (even indices) or
    ``"holdout"`` (odd); plus those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (button name), ``set_size`` (K), ``image`` (picture
    index), ``first_presentation``, and the common keys.

    ## Reference scores
    DMLab-30 ``psychlab_arbitrary_visuomotor_mapping`` (spec section 3, DeepMind's
    IMPALA normalisation table): human 58.75, random 0.163 (episode return); the
    class attributes ``human_score`` / ``random_score``. Memory Task Suite levels:
    none; the spec's table lists DMLab-30 levels only and its section 2.14 leaves the
    suite's published scores unverified, so an env made with ``stimuli="train"`` or
    ``"holdout"`` has ``human_score = random_score = None``.

    ## Version History
    * v0: initial release.
    """

    human_score: float | None = 58.75
    random_score: float | None = 0.163

    def _reset_task(self) -> None:
        super()._reset_task()
        self.mapping: dict[int, str] = {}
        self._shown: set[int] = set()
        self._add_association()
        self._new_block()

    def _add_association(self) -> None:
        if not self._fresh_left():
            return  # every picture is in use: keep the current list
        image = self._new_picture()
        self.mapping[image] = list(EDGE_BUTTONS)[int(self.np_random.integers(len(EDGE_BUTTONS)))]

    def _new_block(self) -> None:
        items = list(self.mapping)
        self._block = [items[i] for i in self.np_random.permutation(len(items))]
        self._block_pos = 0
        self._block_correct = True

    def _start_trial(self) -> None:
        image = self._block[self._block_pos]
        correct = self.mapping[image]
        first = image not in self._shown
        self._shown.add(image)
        show_picture(self.screen, image)
        colors = {n: (CUE_GREEN if n == correct else CUE_RED) for n in EDGE_BUTTONS} if first else None
        self.truth.update(set_size=len(self.mapping), image=image, first_presentation=first)
        self._add_buttons(dict(EDGE_BUTTONS), correct, color=BLACK, colors=colors, reveal_all=True, on_answer=self._answered)

    def _answered(self, name: str, correct: bool) -> None:
        self._block_correct &= correct
        self._block_pos += 1
        if self._block_pos >= len(self._block):
            if self._block_correct:
                self._add_association()
            self._new_block()
