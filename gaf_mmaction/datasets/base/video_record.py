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
        origin: Time steps between the video's start and step 0's time: step
            ``s`` shows time ``(s + origin) / fps``. 0 for frames; for snippet
            features the snippet centre's offset (2 for 16-frame snippets every
            4 frames; docs/datasets.md).
        resize_length: Steps the video's features are resampled to before
            windowing (``fps`` and ``origin`` are then in resampled steps);
            None: read as stored.
        channel_range: [start, stop) of the feature channels to read (one
            stream of two-stream features); None: all.
    """

    name: str
    num_frames: int
    fps: float
    actions: np.ndarray | None = None
    duration: float | None = None
    origin: float = 0.0
    resize_length: int | None = None
    channel_range: tuple[int, int] | None = None
