"""Sliding windows over untrimmed videos (docs/published_code.md §8.3 training, §9 test)."""
import math
from collections import deque
from collections.abc import Iterable, Iterator, Sequence

import numpy as np


def window_offsets(num_frames: int, clip_length: int, stride: int) -> list[int]:
    """Start frames of the windows covering a video.

    One window at 0 for a video no longer than a window; else every
    ``stride`` frames, plus a last window flush with the end if the stride
    does not reach it. (The published training tests ``<=`` and its test
    ``<``; both give the single window at 0 when the lengths are equal.)
    """
    if num_frames <= clip_length:
        return [0]
    offsets = list(range(0, num_frames - clip_length + 1, stride))
    if (num_frames - clip_length) % stride:
        offsets.append(num_frames - clip_length)
    return offsets


def stream_windows(frames: Iterable[np.ndarray], clip_length: int,
                   stride: int) -> Iterator[tuple[int, np.ndarray]]:
    """The windows of :func:`window_offsets` over frames that arrive one by one.

    Each window (offset, [n, ...] its frames, n = ``clip_length`` but for a
    video shorter than a window) is yielded as soon as its last frame has
    arrived; the final flush window once the frames end. Only the last
    ``clip_length`` frames are held.
    """
    held: deque[np.ndarray] = deque(maxlen=clip_length)
    count = next_offset = 0
    for frame in frames:
        held.append(frame)
        count += 1
        if count - next_offset == clip_length:
            yield next_offset, np.stack(held)
            next_offset += stride
    if count <= clip_length:
        if count and count < clip_length:
            yield 0, np.stack(held)
    elif (count - clip_length) % stride:
        yield count - clip_length, np.stack(held)


def boundary_targets(annotations: np.ndarray, clip_length: int) -> np.ndarray:
    """Start and end indicator curves of a window.

    Args:
        annotations: [N, 3] (start, end, label) in frames of the window.
        clip_length: Frames per window.

    Returns:
        [2, clip_length] float32: row 0 is 1 within ``d / 2`` of a start,
        row 1 within ``d / 2`` of an end, ``d = max(length / 10, 2)``
        (rounded half to even, clipped to the window).
    """
    scores = np.zeros((2, clip_length), dtype=np.float32)
    for start, end, _ in annotations:
        half = max((end - start) / 10.0, 2.0) / 2.0
        for row, point in ((0, start), (1, end)):
            # The slice clips the region's end to the window; its start only needs 0.
            scores[row, max(round(point - half), 0):round(point + half) + 1] = 1
    return scores


def training_windows(num_frames: int, annotations: Sequence[Sequence[float]],
                     clip_length: int, stride: int) -> tuple[list[dict], int]:
    """Training windows of one video and its splice length for the splice augmentation.

    A window is kept when it fully contains an action; it carries every
    action it holds at least half of, clipped to the window (start at least
    1, as published).

    Args:
        num_frames: Sampled frames of the video.
        annotations: (start, end, label) in sampled frames.
        clip_length: Frames per window.
        stride: Frames between window starts.

    Returns:
        ``windows``: dicts with ``offset``, ``annotations`` [N, 3] float64
        (window frames) and ``boundaries`` [2, clip_length].
        ``min_length``: ceil of the shortest clipped action over all
        candidate windows (and, for a short video, over all its actions).
    """
    annos = np.asarray(annotations, dtype=np.float64).reshape(-1, 3)
    lengths = annos[:, 1] - annos[:, 0]
    min_length = float(clip_length)
    if num_frames <= clip_length:
        min_length = min(min_length, lengths.min())
    windows = []
    for offset in window_offsets(num_frames, clip_length, stride):
        left, right = offset + 1, offset + clip_length
        ioa = (np.minimum(right, annos[:, 1]) - np.maximum(left, annos[:, 0])) / lengths
        held = annos[ioa >= 0.5]
        clipped = np.stack([np.maximum(held[:, 0] - offset, 1),
                            np.minimum(held[:, 1] - offset, clip_length), held[:, 2]], axis=1)
        if len(clipped):
            min_length = min(min_length, (clipped[:, 1] - clipped[:, 0]).min())
        if (ioa >= 1.0).any():
            windows.append(dict(offset=offset, annotations=clipped,
                                boundaries=boundary_targets(clipped, clip_length)))
    return windows, math.ceil(min_length)
