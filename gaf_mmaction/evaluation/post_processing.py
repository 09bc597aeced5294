"""From window detections to each video's detections: the one post-processing of the metric,
the video API and the benchmark (docs/published_code.md §9 steps 6-8, docs/activitynet.md).

It is configured once, as ``test_evaluator.post_processor`` (``dict(type='VideoPostProcessor',
...)``); the metric, the video API and the benchmark build it from that block
(:func:`build_post_processor`).
"""
import logging
from collections.abc import Sequence

import torch
from mmaction.registry import TASK_UTILS
from mmengine.logging import print_log

from ..datasets.annotation_files import read_json
from ..ops.soft_nms import SOFT_NMS_VARIANTS
from ..utils import InputPath, require_inputs
from .detection_map import usable_detections
from .video_merging import (
    clip_to_durations,
    keep_top_per_video,
    merge_windows,
    relabel_by_video_classes,
)


def classification_file_input(path: str) -> InputPath:
    """A configured video-level classification file, as an input that must exist."""
    return InputPath(path, 'test_evaluator.post_processor.video_classification_file',
                     "video-level classifier's scores of the test videos",
                     'get them as docs/data_preparation.md#activitynet-13 says')


@TASK_UTILS.register_module()
class VideoPostProcessor:
    """Merge a video's windows, soft-NMS each class, and optionally relabel, clip and cut.

    Windows come in as :meth:`window_detections` makes them from a data
    sample's ``pred_instances`` (the head has decoded them to seconds); the
    call merges them per video and class (soft-NMS of every video and class at
    once, on ``nms_device``), then, as configured, labels each video's
    class-agnostic detections by a video-level classifier, clips segments to
    the video and keeps the best ``max_per_video``.

    Args:
        nms_sigma: Soft-NMS sigma (0.01 RGB and fusion, 0.5 flow, 0.95
            ActivityNet). Defaults to 0.01.
        top_k: Most detections kept per video and class. Defaults to 5000.
        nms_score_threshold: Soft-NMS candidate threshold. Defaults to 0.001.
        nms_variant: 'reference' (published quirks) or 'fixed'.
        nms_device: Where soft-NMS runs ('cpu', 'cuda', ...). Defaults to
            None: the current CUDA device when there is one, else the CPU
            (the results are the same).
        video_classification_file: Optional JSON ``{"results": {video:
            [class scores]}, "class": [names]}`` (CUHK ActivityNet format)
            whose top-1 class labels each video's class-agnostic detections
            (score x the class's score). Every video must be in it.
        clip_to_duration: Clip segments to [0, the video's duration] and
            drop those left empty (windows carry ``duration``). Defaults to
            False (THUMOS14 keeps them as they are).
        max_per_video: Keep each video's best N detections. Defaults to None: all.
    """

    def __init__(self, nms_sigma: float = 0.01, top_k: int = 5000,
                 nms_score_threshold: float = 0.001, nms_variant: str = 'reference',
                 nms_device: str | None = None, video_classification_file: str | None = None,
                 clip_to_duration: bool = False, max_per_video: int | None = None) -> None:
        if nms_variant not in SOFT_NMS_VARIANTS:
            raise ValueError(f'nms_variant must be one of {SOFT_NMS_VARIANTS}, got {nms_variant!r}')
        self.nms = dict(sigma=nms_sigma, top_k=top_k, score_threshold=nms_score_threshold,
                        variant=nms_variant)
        self.nms_device = nms_device
        if video_classification_file is not None:
            require_inputs([classification_file_input(video_classification_file)])
        self.video_classification_file = video_classification_file
        self.clip_to_duration = clip_to_duration
        self.max_per_video = max_per_video

    @staticmethod
    def window_detections(sample: dict) -> dict:
        """One window's usable detections (seconds) with its video name, from a data sample.

        Detections with a non-finite or reversed segment or a non-finite score
        are left out and counted (``unusable``), as are the model's non-finite
        outputs (``non_finite_outputs``): see :meth:`report_unusable`.
        """
        pred = sample['pred_instances']
        segments = pred['segments'].cpu().numpy()
        scores = pred['scores'].cpu().numpy()
        usable = usable_detections(segments, scores)
        return dict(video_name=sample['video_name'], segments=segments[usable],
                    scores=scores[usable], labels=pred['labels'].cpu().numpy()[usable],
                    unusable=int((~usable).sum()), duration=sample.get('duration'),
                    non_finite_outputs=int(sample.get('non_finite_outputs', 0)))

    @staticmethod
    def report_unusable(windows: Sequence[dict]) -> None:
        """Warn about what :meth:`window_detections` left out, naming the windows' videos."""
        dropped = sum(w.get('unusable', 0) for w in windows)
        broken = [w for w in windows if w.get('non_finite_outputs', 0)]
        if broken:
            videos = sorted({w['video_name'] for w in broken})
            print_log(f'The model produced non-finite outputs (NaN or inf) in {len(broken)} of '
                      f'{len(windows)} test windows ({len(videos)} videos, e.g. '
                      f'{", ".join(videos[:3])}): its weights or inputs are broken; those '
                      'outputs give no detection.', logger='current', level=logging.WARNING)
        if dropped:
            print_log(f'Left out {dropped} detections with a non-finite or reversed segment '
                      'or a non-finite score: they can never match the ground truth.',
                      logger='current', level=logging.WARNING)

    def __call__(self, windows: Sequence[dict],
                 classes: Sequence[str]) -> tuple[dict[str, list[dict]], list[str]]:
        """Per-video detections ``{video: [{"label", "score", "segment"}]}`` and the class
        names they can carry (the video-level classifier's, when it labels them)."""
        classes = list(classes)
        merged = merge_windows(windows, classes, **self.nms, device=self.device())
        if self.video_classification_file:
            classification = self.read_video_classification()
            classes = list(classification['class'])
            merged = relabel_by_video_classes(merged, classification['results'], classes,
                                              self.video_classification_file)
        if self.clip_to_duration:
            merged = clip_to_durations(merged, self.durations(windows))
        if self.max_per_video is not None:
            merged = keep_top_per_video(merged, self.max_per_video)
        return merged, classes

    def device(self) -> torch.device:
        """``nms_device``, or the current CUDA device when there is one, else the CPU."""
        if self.nms_device is not None:
            return torch.device(self.nms_device)
        if torch.cuda.is_available():
            return torch.device('cuda', torch.cuda.current_device())
        return torch.device('cpu')

    def read_video_classification(self) -> dict:
        """The ``video_classification_file``, checked for its two keys."""
        path = self.video_classification_file
        classification = read_json(path, 'video classification file')
        missing = [k for k in ('results', 'class')
                   if not isinstance(classification, dict) or k not in classification]
        if missing:
            raise KeyError(f'{path} lacks {missing}: a video-level classification file holds '
                           '"results" ({video: [class scores]}) and "class" ([class names])')
        return classification

    @staticmethod
    def durations(windows: Sequence[dict]) -> dict[str, float]:
        """{video: duration in seconds} from the windows' ``duration``.

        Raises:
            KeyError: Naming a video whose windows carry no duration.
        """
        durations = {}
        for window in windows:
            if window.get('duration') is None:
                raise KeyError(f"clip_to_duration needs each window's 'duration' (seconds), "
                               f"which the windows of video {window['video_name']!r} lack; "
                               'the ActivityNet dataset gives it')
            durations[window['video_name']] = float(window['duration'])
        return durations


def build_post_processor(cfg: dict | None = None, **changes) -> VideoPostProcessor:
    """The post-processor of a ``test_evaluator.post_processor`` block (None: the defaults),
    with ``changes`` to its arguments (the video API clips to the video, say)."""
    return TASK_UTILS.build({'type': 'VideoPostProcessor', **(cfg or {}), **changes})
