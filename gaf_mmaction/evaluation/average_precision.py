"""ActivityNet-style interpolated AP of one class, in float64 (docs/published_code.md §10).

The published evaluator (GAF's ``evaluation/eval_detection.py``, the ActivityNet one) and
ActionFormer's compute tIoU in float64; MMAction2's ``pairwise_temporal_iou`` computes in
float32, which counts a detection whose tIoU lies within float32 rounding of a threshold
differently. This module computes every step in float64, in the published order of
operations, so that the AP it gives is the published evaluator's.
"""
from collections.abc import Sequence

import numpy as np


def temporal_iou(segment: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """tIoU [N] of one segment [2] with each of ``segments`` [N, 2] (seconds, float64).

    The union is ``len(other) + len(segment) - intersection``, summed in that
    order as the published evaluator does, so ties at a threshold fall alike.
    """
    segment = np.asarray(segment, dtype=np.float64)
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    intersection = (np.minimum(segment[1], segments[:, 1])
                    - np.maximum(segment[0], segments[:, 0])).clip(0)
    union = (segments[:, 1] - segments[:, 0]) + (segment[1] - segment[0]) - intersection
    return intersection / union


def interpolated_ap(precision: np.ndarray, recall: np.ndarray) -> float:
    """All-point interpolated AP (VOC 2011): precision made non-increasing, summed over
    the recall steps."""
    precision = np.concatenate([[0.0], precision, [0.0]])
    recall = np.concatenate([[0.0], recall, [1.0]])
    precision = np.maximum.accumulate(precision[::-1])[::-1]
    steps = np.flatnonzero(recall[1:] != recall[:-1]) + 1
    return float(np.sum((recall[steps] - recall[steps - 1]) * precision[steps]))


def class_average_precision(ground_truth: dict[str, np.ndarray], videos: Sequence[str],
                            segments: np.ndarray, scores: np.ndarray,
                            tious: Sequence[float]) -> np.ndarray:
    """AP [len(tious)] of one class.

    Detections are ranked by score as the published evaluator ranks them
    (``argsort`` of the scores in input order, reversed); each is matched to
    the unmatched ground truth of its video with the highest tIoU at or above
    the threshold (ties among ground truths in the same reversed ``argsort``
    order), else it is a false positive.

    Args:
        ground_truth: {video: [G, 2]} the class's ground-truth segments (seconds).
        videos: [M] each detection's video.
        segments: [M, 2] detections (seconds).
        scores: [M].
        tious: Thresholds.
    """
    thresholds = np.asarray(tious, dtype=np.float64)
    ap = np.zeros(len(thresholds))
    count = sum(len(v) for v in ground_truth.values())
    if len(scores) == 0 or count == 0:
        return ap
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    order = np.asarray(scores, dtype=np.float64).argsort()[::-1]
    matched = {video: np.zeros((len(thresholds), len(gt)), bool)
               for video, gt in ground_truth.items()}
    hits = np.zeros((len(thresholds), len(order)))
    for rank, index in enumerate(order):
        gt = ground_truth.get(videos[index])
        if gt is None or not len(gt):
            continue
        overlap = temporal_iou(segments[index], gt)
        best_first = overlap.argsort()[::-1]
        for t, threshold in enumerate(thresholds):
            for j in best_first:
                if overlap[j] < threshold:
                    break
                if not matched[videos[index]][t, j]:
                    matched[videos[index]][t, j] = True
                    hits[t, rank] = 1
                    break
    true_pos = np.cumsum(hits, axis=1)
    false_pos = np.cumsum(1 - hits, axis=1)
    recall = true_pos / count
    precision = true_pos / (true_pos + false_pos)
    for t in range(len(thresholds)):
        ap[t] = interpolated_ap(precision[t], recall[t])
    return ap
