"""Boundary regions of predicted segments, where boundary max pooling looks.

See docs/published_code.md §3.2.

Both functions run on detached predictions: the regions only select where to
pool, no gradient flows through them.
"""
import torch
from torch import Tensor


def _regions(left: Tensor, right: Tensor, length: Tensor) -> Tensor:
    """[..., 4] rounded (start region, end region) around ``left`` and ``right``.

    Each region reaches a tenth of the segment's length outside the segment
    and a quarter inside it, at least one unit each way. ``torch.round``
    rounds half to even, as the published model does.
    """
    inner = (length / 4).clamp(min=1)
    outer = (length / 10).clamp(min=1)
    return torch.round(torch.stack(
        [left - outer, left + inner, right - inner, right + outer], dim=-1))


def level_segments(loc: Tensor, clip_length: int) -> Tensor:
    """Boundary regions in cells of one pyramid level.

    Args:
        loc: [B, t, 2] distances (frames of the clip) from each cell's
            prior to the segment's start and end, for a level of t cells.
        clip_length: Frames per clip.

    Returns:
        [B, t, 4] region bounds in level cells. Cell c is anchored at its
        index c (not c + 0.5), as in the published model (§11 Q13).
    """
    cells = loc.shape[1]
    dist = loc / clip_length * cells
    anchor = torch.arange(cells, device=loc.device, dtype=loc.dtype).unsqueeze(-1)
    left = anchor - dist[..., :1]
    right = anchor + dist[..., 1:]
    return _regions(left, right, dist.sum(-1, keepdim=True)).squeeze(-2)


def segment_regions(segments: Tensor) -> Tensor:
    """Boundary regions of explicit segments.

    Args:
        segments: [..., 2] (start, end) in frames.

    Returns:
        [..., 4] region bounds in frames, as :func:`frame_segments` makes them.
    """
    left, right = segments[..., :1], segments[..., 1:]
    return _regions(left, right, right - left + 1).squeeze(-2)


def frame_segments(loc: Tensor, clip_length: int) -> Tensor:
    """Boundary regions in frames of the clip.

    Args:
        loc: [B, t, 2] distances (frames) from each cell's prior centre
            (c + 0.5) / t to the segment's start and end.
        clip_length: Frames per clip.

    Returns:
        [B, t, 4] region bounds in frames.
    """
    cells = loc.shape[1]
    centre = (torch.arange(cells, device=loc.device, dtype=loc.dtype) + 0.5) / cells
    centre = (centre * clip_length).unsqueeze(-1)
    return segment_regions(torch.cat([centre - loc[..., :1], centre + loc[..., 1:]], dim=-1))
