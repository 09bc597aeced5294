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


def video_class_scores(video_scores: dict[str, Sequence[float]], video: str,
                       source: str) -> Sequence[float]:
    """A video's class scores in a video-level classification file.

    ActivityNet tools name a video with or without the ``v_`` prefix of its
    downloaded file; both spellings are tried.

    Raises:
        ValueError: Naming ``source`` and the video when it is missing.
    """
    names = [video, f'v_{video}'] + ([video[2:]] if video.startswith('v_') else [])
    for name in names:
        if name in video_scores:
            return video_scores[name]
    raise ValueError(f'{source}: the video-level classification lacks test video {video!r} '
                   '(each test video needs its class scores under "results")')


def relabel_by_video_classes(results: dict[str, list[dict]],
                             video_scores: dict[str, Sequence[float]],
                             class_names: Sequence[str],
                             source: str = 'the video classification file'
                             ) -> dict[str, list[dict]]:
    """Label class-agnostic detections with a video-level classifier's top class.

    As the published ActivityNet test: label = the video's top-1 class,
    score = detection score x that class's score.

    Raises:
        ValueError: When a video is missing from ``video_scores`` or its
            scores do not match ``class_names``.
    """
    relabelled = {}
    for video, detections in results.items():
        scores = video_class_scores(video_scores, video, source)
        if len(scores) != len(class_names):
            raise ValueError(f'{source}: video {video!r} has {len(scores)} class scores but '
                             f'"class" names {len(class_names)} classes')
        top = int(np.argmax(scores))
        relabelled[video] = [dict(det, label=class_names[top], score=det['score'] * scores[top])
                             for det in detections]
    return relabelled


def clip_to_durations(results: dict[str, list[dict]],
                      durations: dict[str, float]) -> dict[str, list[dict]]:
    """Clip every segment to [0, its video's duration] (seconds); drop those left empty."""
    clipped = {}
    for video, detections in results.items():
        kept = []
        for det in detections:
            start = max(0.0, det['segment'][0])
            end = min(durations[video], det['segment'][1])
            if end > start:
                kept.append(dict(det, segment=[start, end]))
        clipped[video] = kept
    return clipped


def keep_top_per_video(results: dict[str, list[dict]], top: int) -> dict[str, list[dict]]:
    """Each video's ``top`` highest-scoring detections, best first (ties keep their order)."""
    return {video: sorted(detections, key=lambda det: -det['score'])[:top]
            for video, detections in results.items()}
