"""Turning videos into the frame arrays GAF reads (docs/published_code.md §8.1).

The library side of ``tools/data/videos_to_npy.py``: decoding and resampling, TV-L1 flow.
"""
import itertools
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

import cv2
import numpy as np
from mmengine.logging import print_log

from ..datasets.annotation_files import VideoInfo

FLOW_BOUND = 20.0  # TV-L1 displacements are clipped to +-20 pixels before quantising
# A video that decodes to fewer of the frames its container states is truncated (a partial
# download) or broken midway; containers round their counts, hence the margin.
MIN_DECODED_FRACTION = 0.95


class TruncatedVideoError(ValueError):
    """A video decodes to clearly fewer frames than its container states."""


def sample_frames(frames: Iterable[np.ndarray], fps: float,
                  sample_fps: float = 10.0) -> Iterator[np.ndarray]:
    """Keep one frame every ``fps / sample_fps`` frames, as published.

    An accumulator grows by 1 per frame; a frame is kept whenever it
    reaches the step (which is then subtracted), so 30 fps keeps frames
    3, 6, 9, ... (1-based) and a video of ``count`` frames yields
    ``floor(count * sample_fps / fps)`` frames.
    """
    if fps < sample_fps:
        raise ValueError(f'Cannot sample {sample_fps} fps from a {fps} fps video')
    step = fps / sample_fps
    acc = 0.0
    for frame in frames:
        acc += 1
        if acc >= step:
            acc -= step
            yield frame


def capped_fps(fps: float, frames: int, max_frames: int) -> float:
    """The published ActivityNet re-encoding rate: ``fps * min(max_frames / frames, 1)``,
    so that a video of ``frames`` frames keeps at most ``max_frames``."""
    return fps * min(max_frames / frames, 1.0)


def read_video(path: str | Path, sample_fps: float = 10.0, size: int = 112,
               max_frames: int | None = None,
               allow_truncated: bool = False) -> tuple[np.ndarray, VideoInfo]:
    """Decode a video into [T, size, size, 3] uint8 RGB frames at ``sample_fps``.

    Frames are resized to size x size with bicubic interpolation (the aspect
    ratio is not kept, as published).

    Args:
        path: The video file.
        sample_fps: Frames kept per second (THUMOS14: 10).
        size: Frame side in pixels.
        max_frames: Instead of ``sample_fps``, keep at most this many
            frames at :func:`capped_fps` of the container's frame rate and
            count (ActivityNet: 768), and cut any surplus.
        allow_truncated: Keep what decodes of a truncated video (with the
            timings of what decoded) instead of raising. Defaults to False.

    Raises:
        OSError: If the file cannot be opened.
        TruncatedVideoError: If it decodes to fewer than 95 % of the frames
            its container states (a partial download, or decoding failing
            midway), naming the file and both counts.
        ValueError: If it reports no frame rate (or, with ``max_frames``,
            no frame count) or a rate below ``sample_fps``, or no frame can
            be decoded.
    """
    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise OSError(f'Cannot open video {path}')
    fps = capture.get(cv2.CAP_PROP_FPS)
    if not fps or fps <= 0:
        raise ValueError(f'{path}: the container reports no frame rate')
    total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    if max_frames is not None:
        if total <= 0:
            raise ValueError(f'{path}: the container reports no frame count')
        sample_fps = capped_fps(fps, total, max_frames)
    count = 0
    ended = False

    def decoded() -> Iterator[np.ndarray]:
        nonlocal count, ended
        ok, frame = capture.read()
        while ok:
            count += 1
            yield frame
            ok, frame = capture.read()
        ended = True

    kept = [cv2.resize(frame, (size, size), interpolation=cv2.INTER_CUBIC)[..., ::-1]
            for frame in itertools.islice(sample_frames(decoded(), fps, sample_fps),
                                          max_frames)]
    capture.release()
    if not kept:
        raise ValueError(f'{path}: no frame could be decoded')
    # Decoding that stopped at max_frames kept frames saw all it needed; one that ran out
    # before the container's count did not (a container without a count cannot be checked).
    truncated = ended and total > 0 and count < MIN_DECODED_FRACTION * total
    if truncated:
        message = (f'{path}: decoded {count} of the {total} frames its container states '
                   f'({count / fps:.1f} s of {total / fps:.1f} s): the file is truncated (a '
                   'partial download?) or fails to decode midway')
        if not allow_truncated:
            raise TruncatedVideoError(f'{message}. Download it again, or allow truncated '
                                      'videos (--allow-truncated) to keep what decodes')
        print_log(f'{message}; keeping the {count} frames that decode', logger='current',
                  level=logging.WARNING)
    if max_frames is not None and not truncated:
        # Decoding may stop at max_frames kept frames: the container's count is the video's.
        count = total
    frames = np.stack(kept)
    return np.ascontiguousarray(frames), VideoInfo(
        fps=fps, sample_fps=sample_fps, count=float(count), sample_count=len(frames))


def tvl1_flow(frames: np.ndarray) -> np.ndarray:
    """TV-L1 optical flow of consecutive frames, quantised like denseflow's ``-b=20``.

    Args:
        frames: [T, H, W, 3] uint8 RGB frames (the sampled 10 fps ones).

    Returns:
        [T, H, W, 2] uint8 (x, y): displacements in pixels clipped to
        +-20 and mapped linearly to 0..255; T - 1 flows, the last repeated.

    Raises:
        RuntimeError: If OpenCV lacks the contrib module that provides TV-L1.
    """
    if not hasattr(cv2, 'optflow'):
        raise RuntimeError('TV-L1 flow needs opencv-contrib-python (cv2.optflow)')
    if len(frames) < 2:
        raise ValueError(f'Optical flow needs at least 2 frames, got {len(frames)}')
    tvl1 = cv2.optflow.DualTVL1OpticalFlow_create()
    gray = [cv2.cvtColor(f, cv2.COLOR_RGB2GRAY) for f in frames]
    flows = [tvl1.calc(a, b, None) for a, b in itertools.pairwise(gray)]
    flows.append(flows[-1])
    scaled = (np.clip(np.stack(flows), -FLOW_BOUND, FLOW_BOUND) + FLOW_BOUND) * (
        255.0 / (2 * FLOW_BOUND))
    return np.round(scaled).astype(np.uint8)
