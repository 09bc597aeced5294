"""Merging the detections of a video's windows (docs/published_code.md §9 steps 6-8)."""
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch

from ..ops import batched_soft_nms
from ..structures import class_name

# Groups of one batched soft-NMS call hold at most this many (padded) rows: ~50 MB of float32.
CHUNK_ROWS = 4_000_000


def _soft_nms_in_chunks(groups: Sequence[torch.Tensor], sigma: float, top_k: int,
                        score_threshold: float, variant: str) -> list[torch.Tensor]:
    """:func:`batched_soft_nms` of every group, in the order given.

    Groups of similar size run together (sorted by size, so that little padding is
    processed), in chunks of bounded padded size.
    """
    order = sorted(range(len(groups)), key=lambda i: len(groups[i]))
    kept: list[torch.Tensor | None] = [None] * len(groups)
    chunk: list[int] = []
    for index in [*order, None]:
        if chunk and (index is None or (len(chunk) + 1) * len(groups[index]) > CHUNK_ROWS):
            results = batched_soft_nms([groups[i] for i in chunk], sigma, top_k,
                                       score_threshold, variant)
            for i, result in zip(chunk, results):
                kept[i] = result
            chunk = []
        if index is not None:
            chunk.append(index)
    return kept


def merge_windows(windows: Sequence[dict], classes: Sequence[str], sigma: float, top_k: int,
                  score_threshold: float = 0.001,
                  variant: str = 'reference') -> dict[str, list[dict]]:
    """Per video and class, pool the windows' detections and apply soft-NMS.

    Args:
        windows: One dict per window: ``video_name``, ``segments`` [M, 2]
            seconds, ``scores`` [M], ``labels`` [M] (1-based class index).
        classes: Class names in label order (``structures.class_name``).
        sigma, top_k, score_threshold, variant: See :func:`~gaf_mmaction.ops.soft_nms`
            (run for every video and class at once, :func:`batched_soft_nms`).

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
    keys = [(video, label) for video, by_label in pooled.items() for label in sorted(by_label)]
    groups = [torch.from_numpy(np.concatenate(pooled[video][label])) for video, label in keys]
    results: dict[str, list[dict]] = {video: [] for video in pooled}
    for (video, label), kept in zip(keys, _soft_nms_in_chunks(groups, sigma, top_k,
                                                              score_threshold, variant)):
        results[video].extend({'label': class_name(classes, label), 'score': float(score),
                               'segment': [float(start), float(end)]}
                              for start, end, score in kept.tolist() if score > 0)
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
