"""Sharing the stem of a video backbone between overlapping test windows.

A backbone's first layers (its "stem": up to the last layer before the second temporal stride)
see only a few frames around each output position. In a window, the positions whose receptive
field stays inside the window are the same as in the next window that holds the same frames,
whatever the windows' zero padding; only a few positions at each end depend on it. For a run
of windows each ``stride`` frames after the previous one, each window after the first takes
those middle positions from the previous window and computes only its two ends: a strip at its
front (as long as the contaminated positions need) and its part after the previous window's
clean positions. For I3D's 256-frame windows at stride 128 that is 18 + 146 of 256 frames.
"""
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch
from torch import Tensor

from ..layers.same_padding import same_padding


@dataclass(frozen=True)
class TemporalLayer:
    """A layer's extent along time: kernel and stride (frames of its input)."""
    kernel: int
    stride: int


def contaminated_ends(layers: Sequence[TemporalLayer], length: int) -> tuple[int, int, int]:
    """For an input of ``length`` frames through ``layers`` (each zero-padding its input the
    TensorFlow "same" way): the output length, and how many output positions at its front and
    at its back read padding, directly or through an earlier layer.

    A position that reads no padding equals the value computed on any longer input holding the
    same frames at the same place in the strided grid.
    """
    front, back = 0, 0
    for layer in layers:
        pad_front, _ = same_padding(length, layer.kernel, layer.stride)
        out = math.ceil(length / layer.stride)
        # Output u reads inputs stride * u - pad_front ... + kernel - 1.
        first_clean = next((u for u in range(out) if layer.stride * u - pad_front >= front), out)
        last_clean = next((u for u in reversed(range(out))
                           if layer.stride * u - pad_front + layer.kernel - 1 <= length - 1 - back),
                          -1)
        front, back, length = first_clean, out - 1 - last_clean, out
    return length, front, back


@dataclass(frozen=True)
class StemStitch:
    """Where a window's stem map comes from, for windows of ``clip_length`` frames each
    ``stride`` frames after the previous one (positions are the stem map's, frames the
    input's).

    Attributes:
        scale: Input frames per stem position.
        positions: Stem positions of a window (n).
        shift: Positions between consecutive windows (s).
        front: Positions at a window's front that read its padding (f).
        back: The same at its back (b).
        strip_frames: Frames of the front strip, whose first ``front`` positions are kept.
        tail_start: First frame of the tail part, whose positions from ``front`` on are kept;
            they are the window's from ``positions - back - shift`` on.
    """
    scale: int
    positions: int
    shift: int
    front: int
    back: int
    strip_frames: int
    tail_start: int

    @property
    def reused(self) -> slice:
        """The previous window's positions a window takes."""
        return slice(self.front + self.shift, self.positions - self.back)

    @property
    def tail_reused(self) -> slice:
        """The same positions in the previous window's tail part."""
        first = self.tail_start // self.scale
        return slice(self.reused.start - first, self.reused.stop - first)

    @property
    def frames_per_window(self) -> int:
        """Input frames the stem reads for a window after the first."""
        return self.strip_frames + self.scale * self.positions - self.tail_start


def plan_stem_stitch(layers: Sequence[TemporalLayer], clip_length: int,
                     stride: int) -> StemStitch | None:
    """The stitch for windows of ``clip_length`` frames ``stride`` apart through the stem
    ``layers``, or None when it would not save frames or cannot be vectorised (a window's
    reused positions must lie in the previous window's tail part)."""
    scale = math.prod(layer.stride for layer in layers)
    if clip_length % scale or stride % scale or stride >= clip_length:
        return None
    positions, front, back = contaminated_ends(layers, clip_length)
    shift = stride // scale
    middle = positions - back - front - shift
    if middle < 1 or 2 * shift < positions - back - front:
        return None
    strip = front + back if front else 0
    while strip and contaminated_ends(layers, strip * scale)[2] > strip - front:
        strip += 1
    tail_first = positions - back - shift - front
    stitch = StemStitch(scale, positions, shift, front, back, strip * scale, tail_first * scale)
    return stitch if stitch.frames_per_window < clip_length else None


def stitch_run(stem: Callable[[Tensor], Tensor], clips: Tensor, stitch: StemStitch) -> Tensor:
    """The stem maps [B, C, n, ...] of a run of consecutive windows ``clips`` [B, C_in, T, H,
    W] (window i + 1 starting ``stride`` frames after window i), computing the first window
    whole and, for the others, only the front strip and the tail part.

    Args:
        stem: Callable from clips to the stem map (PyTorch, or an exported stem's runtime
            behind ``torch.from_numpy``).
        clips: The run's windows.
        stitch: From :func:`plan_stem_stitch`.

    Returns:
        The maps, channels-last-3d where ``clips`` are, else in the default layout.
    """
    first = stem(clips[:1])
    if clips.shape[0] == 1:
        return first
    tails = stem(clips[1:, :, stitch.tail_start:])
    # The stem's own output layout is not a guide: for one window it may come back default.
    layout = (torch.channels_last_3d if clips.is_contiguous(memory_format=torch.channels_last_3d)
              and not clips.is_contiguous() else torch.contiguous_format)
    maps = torch.empty((clips.shape[0], *first.shape[1:]), dtype=first.dtype, device=first.device,
                       memory_format=layout)
    middle = slice(stitch.front, stitch.positions - stitch.back - stitch.shift)
    # Each part is written once into the run's maps: a window's middle is the previous
    # window's reused positions (the first window's, then the tails').
    maps[:1] = first
    maps[1:2, :, middle] = first[:, :, stitch.reused]
    maps[2:, :, middle] = tails[:-1, :, stitch.tail_reused]
    maps[1:, :, middle.stop:] = tails[:, :, stitch.front:]
    if stitch.front:  # a stem that reads no padding needs no front strip
        maps[1:, :, :stitch.front] = stem(clips[1:, :, :stitch.strip_frames])[:, :, :stitch.front]
    return maps
