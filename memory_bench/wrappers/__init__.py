"""Wrappers for memory_bench envs and their vector versions.

* :class:`ProbeObservations`, :class:`VectorProbeObservations`: the original's probe
  values (agent and target positions, wall layout, ...) in ``info`` or in a dict
  observation, for any Memory Maze env.
* :class:`ResizeImage`, :class:`VectorResizeImage`: resize images without OpenCV, dict
  observations and batches included (Gymnasium's ``ResizeObservation`` serves plain image
  envs when OpenCV is installed).

Gymnasium's own wrappers apply to every env of the package as well.
"""

from memory_bench.wrappers.probes import ProbeObservations, VectorProbeObservations
from memory_bench.wrappers.resize import ResizeImage, VectorResizeImage, resize_images

__all__ = ["ProbeObservations", "VectorProbeObservations", "ResizeImage", "VectorResizeImage", "resize_images"]
