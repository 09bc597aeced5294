"""Merging the detections of a video's windows (docs/published_code.md §9 steps 6-8)."""
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch

from ..ops import soft_nms
from ..structures import class_name


def merge_windows(windows: Sequence[dict], classes: Sequence[str], sigma: float, top_k: int,
                  score_threshold: float = 0.001,
                  variant: str = 'reference') -> dict[str, list[dict]]:
    """Per video and class, pool the windows' detections and apply soft-NMS.

    Args:
        windows: One dict per window: ``video_name``, ``segments`` [M, 2]
            seconds, ``scores`` [M], ``labels`` [M] (1-based class index).
        classes: Class names in label order (``structures.class_name``).
        sigma, top_k, score_threshold, variant: See :func:`soft_nms`.

    Returns:
        ``{video: [{"label", "score", "segment": [start, end]}]}`` in
        seconds, classes in label order, rows of a class in window order.
        Every video of ``windows`` appears, possibly with no detection.
    """
    pooled: dict[str, dict[int, list[np.ndarray]]] = defaultdict(lambda: defaultdict(list))
    for window in windows:
        video = pooled[window['video_name']]
        rows = np.concatenate([np.asarray(window['segments'], np.float32).reshape(-1, 2),
                               np.asarray(window['scores'], np.float32).reshape(-1, 1)], 1)
        labels = np.asarray(window['labels']).reshape(-1)
        for label in np.unique(labels):
            video[int(label)].append(rows[labels == label])
    results = {}
    for video, by_label in pooled.items():
        detections = []
        for label in sorted(by_label):
            kept = soft_nms(torch.from_numpy(np.concatenate(by_label[label])), sigma, top_k,
                            score_threshold, variant)
            detections.extend({'label': class_name(classes, label), 'score': float(score),
                               'segment': [float(start), float(end)]}
                              for start, end, score in kept.tolist() if score > 0)
        results[video] = detections
    return results


def relabel_by_video_classes(results: dict[str, list[dict]],
                             video_scores: dict[str, Sequence[float]],
                             class_names: Sequence[str]) -> dict[str, list[dict]]:
    """Label class-agnostic detections with a video-level classifier's top class.

    As the published ActivityNet test: label = the video's top-1 class,
    score = detection score x that class's score. Videos the classifier does
    not know (also tried with ActivityNet's ``v_`` prefix) raise KeyError.
    """
    relabelled = {}
    for video, detections in results.items():
        scores = video_scores.get(video, video_scores.get(f'v_{video}'))
        if scores is None:
            raise KeyError(f'video {video!r} is missing from the video classification file')
        top = int(np.argmax(scores))
        relabelled[video] = [dict(det, label=class_names[top], score=det['score'] * scores[top])
                             for det in detections]
    return relabelled
