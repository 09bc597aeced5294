"""AFSD's self-supervised boundary splice augmentation (docs/published_code.md §8.4 step 4)."""
import itertools
import math

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ...structures import SPLICE_AFTER, SPLICE_BACKGROUND, SPLICE_BEFORE


def _pick(options: list):
    return options[np.random.randint(len(options))]


def background_gap(annotations: np.ndarray, clip_length: int, min_gap: int) -> list[int] | None:
    """A random gap between action boundaries longer than ``min_gap`` frames.

    Gaps run between consecutive sorted boundaries of all actions and the
    window ends (0, clip_length - 1); a gap equal to an action is not one.
    Returns [ceil(start), floor(end)], or None when no gap qualifies.
    """
    actions = [[s, e] for s, e in annotations[:, :2].tolist()]
    times = sorted([t for pair in actions for t in pair] + [0, clip_length - 1])
    gaps = [[a, b] for a, b in itertools.pairwise(times)
            if [a, b] not in actions and math.floor(b) - math.ceil(a) > min_gap]
    if not gaps:
        return None
    start, end = _pick(gaps)
    return [math.ceil(start), math.floor(end)]


def splice(imgs: np.ndarray, annotations: np.ndarray,
           length: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Cut an action in two and insert ``length`` background frames at the cut.

    Args:
        imgs: [C, T, H, W] clip.
        annotations: [N, 3] (start, end, label), window frames.
        length: Frames of background to insert.

    Returns:
        The spliced clip and its [3, 2] float32 segments (frames), rows in the
        order of ``gaf_mmaction.structures.splice``: the action before the
        cut, the action after the inserted background, the background; None
        when no action is long enough or no background gap fits.
    """
    long_enough = [a for a in annotations.tolist() if a[1] - a[0] > 2 * length]
    if not long_enough:
        return None
    start, end, _ = _pick(long_enough)
    cut = _pick(range(math.floor(length), math.ceil(end - start - length))) + math.ceil(start)
    gap = background_gap(annotations, imgs.shape[1], length)
    if gap is None:
        return None
    bg = _pick(range(gap[1] - gap[0] - length)) + gap[0]
    out = imgs.copy()
    segments = np.empty((3, 2), dtype=np.float32)
    if end < bg:
        # Background after the action: insert it at the cut, shift the rest right.
        out[:, cut:cut + length] = imgs[:, bg:bg + length]
        out[:, cut + length:bg + length] = imgs[:, cut:bg]
        segments[SPLICE_BEFORE] = start, cut
        segments[SPLICE_AFTER] = cut + length, end + length
        segments[SPLICE_BACKGROUND] = cut + 1, cut + length - 1
    else:
        # Background before the action: shift the part before the cut left.
        out[:, bg:cut - length] = imgs[:, bg + length:cut]
        out[:, cut - length:cut] = imgs[:, bg:bg + length]
        segments[SPLICE_BEFORE] = start - length, cut - length
        segments[SPLICE_AFTER] = cut, end
        segments[SPLICE_BACKGROUND] = cut - length + 1, cut - 1
    return out, segments


@TRANSFORMS.register_module()
class BoundarySplice(BaseTransform):
    """Make the clip for the boundary-consistency (triplet) loss.

    One attempt, as published (about 86% of THUMOS14 windows succeed).

    Required keys: ``imgs``, ``gt_annotations``, ``splice_length``. Added keys:
    ``splice_imgs`` (the spliced clip, or ``imgs`` on failure),
    ``splice_segments`` [3, 2] float32 frames (zeros on failure),
    ``splice_valid`` (bool).
    """

    def transform(self, results: dict) -> dict:
        spliced = splice(results['imgs'], results['gt_annotations'], results['splice_length'])
        if spliced is None:
            results.update(splice_imgs=results['imgs'], splice_valid=False,
                           splice_segments=np.zeros((3, 2), dtype=np.float32))
        else:
            results.update(splice_imgs=spliced[0], splice_segments=spliced[1], splice_valid=True)
        return results
