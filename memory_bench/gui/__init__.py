"""Human play and human baselines: ``python -m memory_bench.gui``.

* :mod:`memory_bench.gui.app`: the pygame player (:class:`~memory_bench.gui.app.Player`;
  :class:`~memory_bench.gui.app.TurnPlayer` for turn-based envs such as symbolic
  Alchemy, whose env declares ``interactive()`` controls and a drawn view) and replay
  viewer; ``python -m memory_bench.gui --help``.
* :mod:`memory_bench.gui.keys`: the key map, declared by the env (``key_map``) or
  built from its action names (:func:`key_map_for`).
* :mod:`memory_bench.gui.recording`: one NPZ file per episode in the dataset format
  (``image``, or ``observation`` for envs without images), written atomically;
  :func:`replay_check` re-runs a recording on its seed.
* :mod:`memory_bench.gui.scores`: ``python -m memory_bench.gui.scores DIR``, mean score
  per env id beside the original's human scores.

Importing this package does not import pygame (the player module does).
"""

from memory_bench.gui.keys import key_map_for, resolve_action
from memory_bench.gui.recording import RecordingError, load_episode, replay_check, save_episode

__all__ = ["key_map_for", "resolve_action", "RecordingError", "load_episode", "replay_check", "save_episode"]
