"""The ``render_mode="human"`` window of the envs: one pygame window showing the
observation scaled up, shared by every env family that draws images."""

from __future__ import annotations

import numpy as np


class HumanWindow:
    """A pygame window that shows an ``(h, w, 3)`` image scaled to about ``target`` rows."""

    def __init__(self, caption: str, target: int = 512):
        self.caption = caption
        self.target = target
        self._window = None

    def show(self, image: np.ndarray) -> None:
        try:
            import pygame
        except ImportError as e:  # pragma: no cover - depends on the extra
            raise ImportError("render_mode='human' needs pygame: pip install 'memory-bench[gui]'") from e
        if self._window is None:
            scale = max(1, self.target // image.shape[0])
            pygame.display.init()
            self._window = pygame.display.set_mode((image.shape[1] * scale, image.shape[0] * scale))
            pygame.display.set_caption(self.caption)
        surface = pygame.surfarray.make_surface(np.ascontiguousarray(image[..., :3].swapaxes(0, 1)))
        self._window.blit(pygame.transform.scale(surface, self._window.get_size()), (0, 0))
        pygame.event.pump()
        pygame.display.flip()

    @property
    def is_open(self) -> bool:
        return self._window is not None

    def close(self) -> None:
        if self._window is not None:
            import pygame

            pygame.display.quit()
            self._window = None
