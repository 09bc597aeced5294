"""What an annotation parser gives the dataset bases: one record per video."""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VideoRecord:
    """One video of a dataset, in its own time steps.

    Attributes:
        name: The video's name; its files are ``<name>.npy`` in the
            ``data_prefix`` folders.
        num_frames: Time steps of the video (sampled frames, or feature steps).
        fps: Time steps per second.
        actions: [N, 3] (start, end, label) in time steps, labels from
            ``FIRST_ACTION`` on; None for a video without annotations (testing).
        duration: The video's length in seconds, where the annotation states it.
    """

    name: str
    num_frames: int
    fps: float
    actions: np.ndarray | None = None
    duration: float | None = None
