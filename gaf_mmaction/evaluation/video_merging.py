"""Merging the detections of a video's windows (docs/published_code.md §9 steps 6-8)."""
from collections.abc import Sequence

import numpy as np
import torch

from ..ops import batched_soft_nms
from ..structures import class_name


def merge_windows(windows: Sequence[dict], classes: Sequence[str], sigma: float, top_k: int,
                  score_threshold: float = 0.001, variant: str = 'reference',
                  device: str | torch.device | None = None) -> dict[str, list[dict]]:
    """Per video and class, pool the windows' detections and apply soft-NMS.

    Args:
        windows: One dict per window: ``video_name``, ``segments`` [M, 2]
            seconds, ``scores`` [M], ``labels`` [M] (1-based class index).
        classes: Class names in label order (``structures.class_name``).
        sigma, top_k, score_threshold, variant: See :func:`~gaf_mmaction.ops.soft_nms`
            (run for every video and class at once, :func:`batched_soft_nms`).
        device: Where soft-NMS runs. Defaults to None: the CPU.

    Returns:
        ``{video: [{"label", "score", "segment": [start, end]}]}`` in
        seconds, classes in label order, rows of a class in window order.
        Every video of ``windows`` appears, possibly with no detection.
    """
    videos = list(dict.fromkeys(window['video_name'] for window in windows))
    results: dict[str, list[dict]] = {video: [] for video in videos}
    if not windows:
        return results
    video_index = {video: i for i, video in enumerate(videos)}
    segments = np.concatenate([np.asarray(w['segments'], np.float32).reshape(-1, 2)
                               for w in windows])
    scores = np.concatenate([np.asarray(w['scores'], np.float32).reshape(-1) for w in windows])
    labels = np.concatenate([np.asarray(w['labels'], np.int64).reshape(-1) for w in windows])
    owner = np.repeat([video_index[w['video_name']] for w in windows],
                      [np.asarray(w['scores']).size for w in windows])
    # Group (video, class); sorting the kept rows by group keeps window order within each.
    groups = owner * (int(labels.max(initial=0)) + 1) + labels
    rows = torch.from_numpy(np.concatenate([segments, scores[:, None]], 1)).to(device)
    keep, kept_scores = batched_soft_nms(rows, torch.from_numpy(groups).to(device), sigma,
                                         top_k, score_threshold, variant)
    keep, kept_scores = keep.cpu().numpy(), kept_scores.cpu().numpy()
    order = np.argsort(groups[keep], kind='stable')
    keep, kept_scores = keep[order], kept_scores[order]
    positive = kept_scores > 0
    keep, kept_scores = keep[positive], kept_scores[positive]
    names = {label: class_name(classes, label) for label in np.unique(labels[keep]).tolist()}
    for video, label, score, (start, end) in zip(owner[keep].tolist(), labels[keep].tolist(),
                                                 kept_scores.tolist(), segments[keep].tolist()):
        results[videos[video]].append({'label': names[label], 'score': score,
                                       'segment': [start, end]})
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
