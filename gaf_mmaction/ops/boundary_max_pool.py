"""Boundary max pooling (AFSD), in pure PyTorch.

The published op is a CUDA kernel whose backward pass routes gradients
wrongly whenever the number of segments differs from the temporal length
(docs/published_code.md §4, §11 Q6). This version has the same forward semantics
and exact gradients through autograd, runs on any device and dtype, and has
no Python loop over batch, segments or channels.
"""
import torch
from torch import Tensor


def range_max_table(x: Tensor) -> Tensor:
    """Sparse table of running maxima, the levels side by side on the last axis.

    Build it once for features pooled several times (:func:`boundary_max_pool`'s
    ``table``).

    Args:
        x: [B, C, T] values.

    Returns:
        [B, C, K * T] with ``table[..., k * T + t] = max(x[..., t:t + 2**k])``
        wherever ``t + 2**k <= T``; K = floor(log2(T)) + 1. Entries past
        the end hold the maximum of the shorter tail and are never queried.
    """
    levels = [x]
    span = 1
    length = x.shape[-1]
    while 2 * span <= length:
        prev = levels[-1]
        merged = torch.maximum(prev[..., :length - span], prev[..., span:])
        levels.append(torch.cat([merged, prev[..., length - span:]], dim=-1))
        span *= 2
    return torch.cat(levels, dim=-1)


def boundary_max_pool(x: Tensor, segments: Tensor, table: Tensor | None = None) -> Tensor:
    """Max-pool each channel over a start or an end region per segment.

    The first half of the channels pools the region
    ``[segments[..., 0], segments[..., 1]]``, the second half the region
    ``[segments[..., 2], segments[..., 3]]``. Bounds are inclusive time
    indices, truncated toward zero as the reference kernel's C cast does and
    clamped to ``[0, T - 1]``; a region whose right bound lies left of its
    left bound yields ``x[..., left]``. Gradients go to the arg-max of every
    region; ``segments`` receives none.

    Args:
        x: [B, C, T] features, C even, T time steps.
        segments: [B, S, 4] region bounds in time steps of ``x`` (float or
            integer), one row per output position.
        table: ``range_max_table(x)``, when the caller pools ``x`` more than
            once. Defaults to None: built here.

    Returns:
        [B, C, S] pooled features, same dtype and device as ``x``.
    """
    if x.dim() != 3:
        raise ValueError(f'boundary_max_pool expects x of shape [B, C, T], got {tuple(x.shape)}')
    batch, channels, length = x.shape
    if channels % 2:
        raise ValueError(f'boundary_max_pool needs an even channel count, got C={channels}')
    if segments.dim() != 3 or segments.shape[0] != batch or segments.shape[2] != 4:
        raise ValueError(
            f'boundary_max_pool expects segments of shape [B={batch}, S, 4], '
            f'got {tuple(segments.shape)}')
    num_segments = segments.shape[1]
    half = channels // 2

    # Clamping before truncation equals the kernel's truncate-then-clamp for
    # every finite value, and keeps NaN or inf bounds from overflowing int64.
    bounds = torch.nan_to_num(segments.detach().to(torch.float64), nan=0.0)
    bounds = bounds.clamp(0, length - 1).trunc().long()
    left = bounds[..., 0::2]
    right = torch.maximum(bounds[..., 1::2], left)

    # [B, S, 2] -> [B, C, S]: start bounds for the first half of the channels.
    def per_channel(index: Tensor) -> Tensor:
        start = index[..., 0].unsqueeze(1).expand(batch, half, num_segments)
        end = index[..., 1].unsqueeze(1).expand(batch, channels - half, num_segments)
        return torch.cat([start, end], dim=1)

    left, right = per_channel(left), per_channel(right)
    level = torch.floor(torch.log2((right - left + 1).double())).long()
    span = torch.bitwise_left_shift(torch.ones_like(level), level)

    table = range_max_table(x) if table is None else table
    low = table.gather(2, level * length + left)
    high = table.gather(2, level * length + right - span + 1)
    return torch.maximum(low, high)
