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


class VideoDecoder:
    """The frames of a video file at ``sample_fps``, decoded and resized as they are read.

    Iterating yields [size, size, 3] uint8 RGB frames one by one (bicubic
    resizing; the aspect ratio is not kept, as published), so a whole video
    never has to be in memory. When the iteration ends, ``info`` holds the
    video's :class:`VideoInfo` and a truncated video has raised (or, with
    ``allow_truncated``, warned).

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
        TruncatedVideoError: At the end of the iteration, if it decoded to
            fewer than 95 % of the frames its container states (a partial
            download, or decoding failing midway), naming the file and both
            counts.
        ValueError: If it reports no frame rate (or, with ``max_frames``,
            no frame count) or a rate below ``sample_fps``, or (at the end)
            no frame could be decoded.
    """

    def __init__(self, path: str | Path, sample_fps: float = 10.0, size: int = 112,
                 max_frames: int | None = None, allow_truncated: bool = False) -> None:
        self.path = path
        self.size = size
        self.max_frames = max_frames
        self.allow_truncated = allow_truncated
        capture = cv2.VideoCapture(str(path))
        if not capture.isOpened():
            raise OSError(f'Cannot open video {path}')
        self.fps = capture.get(cv2.CAP_PROP_FPS)
        self.total = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
        capture.release()
        if not self.fps or self.fps <= 0:
            raise ValueError(f'{path}: the container reports no frame rate')
        if max_frames is not None:
            if self.total <= 0:
                raise ValueError(f'{path}: the container reports no frame count')
            sample_fps = capped_fps(self.fps, self.total, max_frames)
        self.sample_fps = sample_fps
        self.info: VideoInfo | None = None

    @property
    def expected_frames(self) -> int | None:
        """The frames the container's count promises (None when it states none)."""
        if self.total <= 0:
            return None
        expected = int(self.total * self.sample_fps / self.fps)
        return expected if self.max_frames is None else min(expected, self.max_frames)

    def __iter__(self) -> Iterator[np.ndarray]:
        capture = cv2.VideoCapture(str(self.path))
        count = kept = 0
        ended = False

        def decoded() -> Iterator[np.ndarray]:
            nonlocal count, ended
            ok, frame = capture.read()
            while ok:
                count += 1
                yield frame
                ok, frame = capture.read()
            ended = True

        try:
            for frame in itertools.islice(sample_frames(decoded(), self.fps, self.sample_fps),
                                          self.max_frames):
                kept += 1
                yield cv2.resize(frame, (self.size, self.size),
                                 interpolation=cv2.INTER_CUBIC)[..., ::-1]
        finally:
            capture.release()
        self.info = self._finish(count, kept, ended)

    def _finish(self, count: int, kept: int, ended: bool) -> VideoInfo:
        """The video's info once decoded; refuses (or reports) a truncated or empty one."""
        path, total, fps = self.path, self.total, self.fps
        if not kept:
            raise ValueError(f'{path}: no frame could be decoded')
        # Decoding that stopped at max_frames kept frames saw all it needed; one that ran out
        # before the container's count did not (a container without a count cannot be checked).
        truncated = ended and total > 0 and count < MIN_DECODED_FRACTION * total
        if truncated:
            message = (f'{path}: decoded {count} of the {total} frames its container states '
                       f'({count / fps:.1f} s of {total / fps:.1f} s): the file is truncated (a '
                       'partial download?) or fails to decode midway')
            if not self.allow_truncated:
                raise TruncatedVideoError(f'{message}. Download it again, or allow truncated '
                                          'videos (--allow-truncated) to keep what decodes')
            print_log(f'{message}; keeping the {count} frames that decode', logger='current',
                      level=logging.WARNING)
        if self.max_frames is not None and not truncated:
            # Decoding may stop at max_frames kept frames: the container's count is the video's.
            count = total
        return VideoInfo(fps=fps, sample_fps=self.sample_fps, count=float(count),
                         sample_count=kept)


def read_video(path: str | Path, sample_fps: float = 10.0, size: int = 112,
               max_frames: int | None = None,
               allow_truncated: bool = False) -> tuple[np.ndarray, VideoInfo]:
    """Decode a whole video into [T, size, size, 3] uint8 RGB frames at ``sample_fps``, and
    its info; the arguments and errors are :class:`VideoDecoder`'s."""
    decoder = VideoDecoder(path, sample_fps, size, max_frames, allow_truncated)
    frames = np.stack(list(decoder))
    return np.ascontiguousarray(frames), decoder.info


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
    if len(frames) < 2:
        raise ValueError(f'Optical flow needs at least 2 frames, got {len(frames)}')
    return np.stack([flow for _, flow in tvl1_flow_stream(frames)])


def tvl1_flow_stream(frames: Iterable[np.ndarray]) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(frame, its flow) pairs of :func:`tvl1_flow`, computed as the frames arrive (each pair
    comes once the next frame has; the last flow is repeated, a lone frame has none)."""
    if not hasattr(cv2, 'optflow'):
        raise RuntimeError('TV-L1 flow needs opencv-contrib-python (cv2.optflow)')
    tvl1 = cv2.optflow.DualTVL1OpticalFlow_create()
    previous = previous_gray = flow = None
    for frame in frames:
        gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
        if previous is not None:
            flow = quantised_flow(tvl1.calc(previous_gray, gray, None))
            yield previous, flow
        previous, previous_gray = frame, gray
    if flow is not None:
        yield previous, flow


def quantised_flow(flow: np.ndarray) -> np.ndarray:
    """[H, W, 2] float displacements (pixels) clipped to +-20 and mapped to 0..255 uint8."""
    scaled = (np.clip(flow, -FLOW_BOUND, FLOW_BOUND) + FLOW_BOUND) * (255.0 / (2 * FLOW_BOUND))
    return np.round(scaled).astype(np.uint8)
