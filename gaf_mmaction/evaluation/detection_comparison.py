"""How far one set of detections moved from another (e.g. bf16 inference from fp32)."""
from collections.abc import Mapping, Sequence

import numpy as np


def _arrays(detections: Sequence[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Segments [N, 2] (seconds) and scores [N] of detections, best score first."""
    ordered = sorted(detections, key=lambda d: -d['score'])
    segments = np.array([d['segment'] for d in ordered], dtype=np.float64).reshape(-1, 2)
    return segments, np.array([d['score'] for d in ordered], dtype=np.float64)


def temporal_iou(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """[N, M] intersection over union of segments [N, 2] and [M, 2] (0 where both are empty)."""
    inter = (np.minimum(first[:, None, 1], second[None, :, 1])
             - np.maximum(first[:, None, 0], second[None, :, 0])).clip(min=0)
    union = ((first[:, 1] - first[:, 0])[:, None] + (second[:, 1] - second[:, 0])[None, :]
             - inter)
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)


def compare_detections(reference: Mapping[str, Sequence[dict]],
                       other: Mapping[str, Sequence[dict]], tiou: float = 0.9) -> dict:
    """Match ``other``'s detections to ``reference``'s and measure what moved.

    Per video and label, each reference detection (best score first) takes the unmatched
    detection of ``other`` that overlaps it most, if that overlap is at least ``tiou``.

    Args:
        reference: ``{video: [{'segment': [start, end], 'label', 'score'}, ...]}``.
        other: The same for the detections to compare.
        tiou: Least temporal IoU of a match. Defaults to 0.9.

    Returns:
        ``reference`` and ``other`` (detection counts), ``matched``, ``matched_fraction``
        (of the reference's), ``max_score_difference`` and ``mean_score_difference`` (absolute,
        over the matches) and ``max_boundary_difference`` (seconds, over the matches).
    """
    score_diffs, boundary_diffs, counts = [], [], [0, 0]
    for video in sorted(set(reference) | set(other)):
        labels = {d['label'] for d in (*reference.get(video, ()), *other.get(video, ()))}
        for label in sorted(labels):
            ref_seg, ref_score = _arrays([d for d in reference.get(video, ())
                                          if d['label'] == label])
            oth_seg, oth_score = _arrays([d for d in other.get(video, ())
                                          if d['label'] == label])
            counts[0] += len(ref_score)
            counts[1] += len(oth_score)
            if not (len(ref_score) and len(oth_score)):
                continue
            overlap = temporal_iou(ref_seg, oth_seg)
            free = np.ones(len(oth_score), dtype=bool)
            for row in range(len(ref_score)):
                candidates = np.where(free & (overlap[row] >= tiou), overlap[row], -1.0)
                best = int(candidates.argmax())
                if candidates[best] < 0:
                    continue
                free[best] = False
                score_diffs.append(abs(oth_score[best] - ref_score[row]))
                boundary_diffs.append(np.abs(oth_seg[best] - ref_seg[row]).max())
    matched = len(score_diffs)
    return dict(reference=counts[0], other=counts[1], matched=matched,
                matched_fraction=matched / counts[0] if counts[0] else 1.0,
                max_score_difference=float(max(score_diffs, default=0.0)),
                mean_score_difference=float(np.mean(score_diffs)) if matched else 0.0,
                max_boundary_difference=float(max(boundary_diffs, default=0.0)))
