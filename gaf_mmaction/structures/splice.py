"""The splice clip's segments: what ``BoundarySplice`` writes and the triplet loss reads.

A splice clip (docs/published_code.md §5.7, §8.4) carries [3, 2] segments (start, end frames),
one row each for the action part before the inserted background, the action part after it and
the inserted background.
"""
from torch import Tensor

SPLICE_BEFORE, SPLICE_AFTER, SPLICE_BACKGROUND = 0, 1, 2


def splice_triplet(pooled: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """Anchor, positive and negative of the boundary-consistency triplet.

    Args:
        pooled: [M, C, 3] boundary-max-pooled features of the three segments, in the row
            order above; the first C / 2 channels pooled each segment's start region, the
            others its end region (``boundary_max_pool``).

    Returns:
        [M, C / 2] each: the end of the part before the splice (anchor), the start of the
        part after it (positive) and the start of the inserted background (negative).
    """
    half = pooled.shape[1] // 2
    return (pooled[:, half:, SPLICE_BEFORE], pooled[:, :half, SPLICE_AFTER],
            pooled[:, :half, SPLICE_BACKGROUND])
