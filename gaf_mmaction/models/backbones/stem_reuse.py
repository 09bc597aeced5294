"""Sharing the stem of a video backbone between overlapping test windows.

A backbone's first layers (its "stem": up to the last layer before the second temporal stride)
see only a few frames around each output position. In a window, the positions whose receptive
field stays inside the window are the same as in the next window that holds the same frames,
whatever the windows' zero padding; only a few positions at each end depend on it. A window
that starts some frames after the previous window of its video takes those middle positions
from it and computes only its two ends: a strip at its front (as long as the contaminated
positions need) and its part after the previous window's clean positions. For I3D's 256-frame
windows at stride 128 that is 18 + 146 of 256 frames; a video's last window, flush with its
end, is closer to the one before and computes fewer. The previous window is the one before in
the batch, or the last of the previous batch (:class:`StemSharing` keeps it).
"""
import functools
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
    def middle(self) -> slice:
        """A window's positions taken from the previous window (its :attr:`reused`)."""
        return slice(self.front, self.positions - self.back - self.shift)

    @property
    def reused(self) -> slice:
        """The previous window's positions a window takes."""
        return slice(self.front + self.shift, self.positions - self.back)

    @property
    def frames_per_window(self) -> int:
        """Input frames the stem reads for a window after the first."""
        return self.strip_frames + self.scale * self.positions - self.tail_start


@functools.lru_cache(maxsize=64)
def plan_stem_stitch(layers: Sequence[TemporalLayer], clip_length: int,
                     stride: int) -> StemStitch | None:
    """The stitch for windows of ``clip_length`` frames ``stride`` apart through the stem
    ``layers``, or None when it would not save frames."""
    scale = math.prod(layer.stride for layer in layers)
    if clip_length % scale or stride % scale or stride >= clip_length:
        return None
    positions, front, back = contaminated_ends(layers, clip_length)
    shift = stride // scale
    middle = positions - back - front - shift
    if middle < 1:
        return None
    strip = front + back if front else 0
    while strip and contaminated_ends(layers, strip * scale)[2] > strip - front:
        strip += 1
    tail_first = positions - back - shift - front
    stitch = StemStitch(scale, positions, shift, front, back, strip * scale, tail_first * scale)
    return stitch if stitch.frames_per_window < clip_length else None


Place = tuple[str, int]


def stitch_windows(stem: Callable[[Tensor], Tensor], clips: Tensor,
                   links: Sequence[StemStitch | None], previous: Tensor | None = None) -> Tensor:
    """The stem maps [B, C, n, ...] of windows ``clips`` [B, C_in, T, H, W], each computed
    whole or, where it follows the window before it, from that window's map and its own two
    ends (the front strip and the tail part).

    Windows computed whole go through ``stem`` in one call, and so do the tails (and the
    strips) of the windows that follow their predecessor by the same stride.

    Args:
        stem: Callable from clips to the stem map (PyTorch, or an exported stem's runtime
            behind ``torch.from_numpy``).
        clips: The windows.
        links: Per window, the stitch (:func:`plan_stem_stitch`) for its stride after the
            window before it (the previous row, or ``previous`` for the first), or None to
            compute it whole.
        previous: The stem map [1, C, n, ...] of the window before the first, when
            ``links[0]`` is not None.

    Returns:
        The maps, channels-last-3d where ``clips`` are, else in the default layout.
    """
    if links[0] is not None and previous is None:
        raise ValueError('stitch_windows: the first window follows a previous one, whose map '
                         'is missing')
    # The stem's own output layout is not a guide: for one window it may come back default.
    layout = (torch.channels_last_3d if clips.is_contiguous(memory_format=torch.channels_last_3d)
              and not clips.is_contiguous() else torch.contiguous_format)
    maps: Tensor | None = None

    def write(rows: list[int], positions: slice, values: Tensor, length: int) -> None:
        nonlocal maps
        if maps is None:
            maps = torch.empty((clips.shape[0], values.shape[1], length, *values.shape[3:]),
                               dtype=values.dtype, device=values.device, memory_format=layout)
        maps[_rows(rows), :, positions] = values

    whole = [row for row, link in enumerate(links) if link is None]
    if whole:
        computed = stem(clips[_rows(whole)])
        write(whole, slice(None), computed, computed.shape[2])
    for plan in sorted({link for link in links if link is not None}, key=lambda p: p.shift):
        rows = [row for row, link in enumerate(links) if link == plan]
        write(rows, slice(plan.middle.stop, None),
              stem(clips[_rows(rows), :, plan.tail_start:])[:, :, plan.front:], plan.positions)
        if plan.front:  # a stem that reads no padding needs no front strip
            write(rows, slice(None, plan.front),
                  stem(clips[_rows(rows), :, :plan.strip_frames])[:, :, :plan.front],
                  plan.positions)
    # In window order: a window's middle is its predecessor's reused positions, which are
    # complete once that window's own middle is written.
    for row, plan in enumerate(links):
        if plan is not None:
            source = previous if row == 0 else maps[row - 1:row]
            maps[row:row + 1, :, plan.middle] = source[:, :, plan.reused]
    return maps


def _rows(rows: list[int]) -> slice | list[int]:
    """Batch rows as a slice where they are consecutive (a view, not a copy)."""
    return slice(rows[0], rows[-1] + 1) if rows[-1] - rows[0] == len(rows) - 1 else rows


class StemSharing:
    """Which windows of a backbone's batches share the stem, and the last window's map kept
    from one batch to the next.

    A window follows the one before it (the previous row, or the last window of the previous
    batch) when both are of the same video, it starts later by a stride for which the stem
    can be stitched, and the frames they share are equal: a window of another video under the
    same name (the video API names every video alike) or samples whose places do not match
    their frames never take another window's map. The kept window is dropped by
    :meth:`clear` (the backbone's ``train()`` and ``eval()`` call it: weights may change).
    """

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Forget the last window."""
        self.last: tuple[Place, Tensor, Tensor] | None = None

    def __call__(self, stem: Callable[[Tensor], Tensor],
                 plan: Callable[[int, int], StemStitch | None], clips: Tensor,
                 places: Sequence[Place | None]) -> Tensor:
        """The stem maps of ``clips`` [B, C_in, T, H, W] (:func:`stitch_windows`).

        Args:
            stem: Callable from clips to the stem map.
            plan: The stitch for (window length, stride) (``InceptionI3D.stem_stitch``).
            clips: The batch's windows.
            places: Per window, (video name, first frame), or None where unknown.
        """
        length = clips.shape[2]
        kept = self.last
        befores = [kept[0] if kept else None, *places[:-1]]
        links = []
        for row, (place, before) in enumerate(zip(places, befores)):
            step = place[1] - before[1] if place and before and place[0] == before[0] else 0
            link = plan(length, step) if 0 < step < length else None
            if link is not None:
                previous_clip = clips[row - 1] if row else kept[1]
                if not torch.equal(previous_clip[:, step:], clips[row, :, :length - step]):
                    link = None
            links.append(link)
        previous = kept[2] if links[0] is not None else None
        maps = stitch_windows(stem, clips, links, previous)
        self.last = (places[-1], clips[-1].clone(), maps[-1:].clone()) if places[-1] else None
        return maps
