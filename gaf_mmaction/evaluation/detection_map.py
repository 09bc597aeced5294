"""ActivityNet-style detection mAP over the ground truth's classes (docs/published_code.md §10)."""
from collections.abc import Sequence

import numpy as np

from .average_precision import class_average_precision

THUMOS14_TIOUS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
# The THUMOS14 protocol averages 0.3:0.1:0.7; the GAF paper also reports 0.1 and 0.2.
THUMOS14_AVERAGE_TIOUS = (0.3, 0.4, 0.5, 0.6, 0.7)
ACTIVITYNET_TIOUS = tuple(np.round(np.linspace(0.5, 0.95, 10), 2).tolist())


def usable_detections(segments: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Mask [M] of the detections that may be scored.

    MMAction2's IoU lets a NaN segment through as a match, so a detection
    with a non-finite bound, its end before its start, or a non-finite
    score must never reach the AP routine.

    Args:
        segments: [M, 2] (start, end).
        scores: [M].
    """
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    return np.isfinite(segments).all(1) & (segments[:, 0] <= segments[:, 1]) & np.isfinite(scores)


def detection_map(ground_truth: dict[str, list[tuple[float, float, str]]],
                  results: dict[str, list[dict]],
                  tious: Sequence[float]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Mean AP over the ground truth's classes at each temporal IoU, in float64.

    Predictions for videos absent from the ground truth are ignored; a
    class with ground truth and no prediction has AP 0. Within a class,
    predictions are ranked by score and each is matched greedily to the
    best-overlapping unmatched ground truth of its video (interpolated AP,
    :func:`~.average_precision.class_average_precision`).

    Args:
        ground_truth: {video: [(start, end, label)]} in seconds.
        results: {video: [{"label", "score", "segment": [start, end]}]}.
        tious: Temporal IoU thresholds.

    Returns:
        ``mAP`` [len(tious)] and per class ``AP`` [len(tious)], classes in
        order of first appearance in the ground truth.
    """
    gt_by_class: dict[str, dict[str, list]] = {}
    for video, actions in ground_truth.items():
        for start, end, label in actions:
            gt_by_class.setdefault(label, {}).setdefault(video, []).append((start, end))
    predictions: dict[str, tuple[list, list, list]] = {c: ([], [], []) for c in gt_by_class}
    for video, detections in results.items():
        if video not in ground_truth:
            continue
        for det in detections:
            if det['label'] in predictions:
                videos, segments, scores = predictions[det['label']]
                videos.append(video)
                segments.append((float(det['segment'][0]), float(det['segment'][1])))
                scores.append(float(det['score']))
    per_class = {}
    for label, by_video in gt_by_class.items():
        videos, segments, scores = predictions[label]
        per_class[label] = class_average_precision(
            {v: np.array(s, np.float64) for v, s in by_video.items()}, videos,
            np.array(segments, np.float64).reshape(-1, 2), np.array(scores, np.float64), tious)
    return np.mean(np.stack(list(per_class.values())), axis=0), per_class


def map_table(tious: Sequence[float], mean_ap: np.ndarray,
              average_tious: Sequence[float] | None = None) -> tuple[dict[str, float], str]:
    """Metric dict (``mAP@t`` in [0, 1] and ``mAP_avg``) and a printable table (percent).

    ``mAP_avg`` is the mean over the thresholds of ``tious`` that are in
    ``average_tious`` (all of ``tious`` when None or when none are).
    """
    metrics = {f'mAP@{t:g}': float(v) for t, v in zip(tious, mean_ap)}
    chosen = [v for t, v in zip(tious, mean_ap)
              if average_tious is None or any(abs(t - a) < 1e-9 for a in average_tious)]
    metrics['mAP_avg'] = float(np.mean(chosen if chosen else mean_ap))
    header = ' | '.join(f'{k:>8s}' for k in metrics)
    row = ' | '.join(f'{100 * v:8.2f}' for v in metrics.values())
    return metrics, f'{header}\n{row}'
