"""Detection mAP as an MMEngine metric (THUMOS14 and ActivityNet protocols)."""
import json
import logging
import os
import os.path as osp
from collections.abc import Sequence

import numpy as np
import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger, print_log

from ..datasets.annotation_files import read_json, shipped_file
from ..ops.soft_nms import SOFT_NMS_VARIANTS
from .detection_map import (
    THUMOS14_AVERAGE_TIOUS,
    THUMOS14_TIOUS,
    detection_map,
    map_table,
    usable_detections,
)
from .ground_truth import load_ground_truth
from .video_merging import (
    clip_to_durations,
    keep_top_per_video,
    merge_windows,
    relabel_by_video_classes,
)


@METRICS.register_module()
class TemporalDetectionMetric(BaseMetric):
    """Merge window detections per video, soft-NMS them per class, and compute mAP.

    Works on the ``pred_instances`` of :meth:`GAFDetector.predict`. Under
    DDP, MMEngine gathers every window on rank 0 before
    ``compute_metrics`` (and drops the sampler's padding), so each video is
    merged once from all its windows.

    Args:
        gt_file: Ground truth in the ActivityNet JSON layout. Defaults to
            None, the shipped THUMOS14 ``thumos_gt.json``.
        subset: Ground-truth subset to evaluate. Defaults to 'test'.
        tious: Temporal IoU thresholds. Defaults to 0.1 ... 0.7 (THUMOS14:
            0.3:0.1:0.7 and the GAF paper's 0.1, 0.2); ActivityNet uses
            0.5:0.05:0.95.
        average_tious: Thresholds ``mAP_avg`` averages (those of ``tious``
            among them). Defaults to 0.3:0.1:0.7, the THUMOS14 protocol;
            None averages all of ``tious``.
        nms_sigma: Soft-NMS sigma (0.01 RGB and fusion, 0.5 flow, 0.95
            ActivityNet). Defaults to 0.01.
        top_k: Most detections kept per video and class. Defaults to 5000.
        nms_score_threshold: Soft-NMS candidate threshold. Defaults to 0.001.
        nms_variant: 'reference' (published quirks) or 'fixed'.
        nms_device: Where the merging's soft-NMS runs ('cpu', 'cuda', ...).
            Defaults to None: the current CUDA device when there is one, else
            the CPU (the results are the same).
        video_classification_file: Optional JSON ``{"results": {video:
            [class scores]}, "class": [names]}`` (CUHK ActivityNet format)
            whose top-1 class labels each video's class-agnostic detections
            (score x the class's score). Every test video must be in it.
        clip_to_duration: Clip segments to [0, the video's duration] and
            drop those left empty, as the published ActivityNet test (the
            dataset gives each window's ``duration``). Defaults to False
            (THUMOS14 keeps them as they are).
        max_per_video: Keep each video's best N detections (ActivityNet's
            evaluation expects at most 100). Defaults to None: all.
        videos_without_gt: Test videos that may be absent from the ground
            truth; they are left out of the evaluation. Any other result
            video missing from ``gt_file`` is an error. Defaults to ().
            The THUMOS14 configs list the two published test videos that
            its ground truth lacks.
        out_file: Write the merged detections here as
            ``{"version", "results", "external_data"}`` JSON. Defaults to None.
        version: The JSON's ``version``. Defaults to 'THUMOS14'.
        collect_device: 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix: Prefix of the metric names. Defaults to 'detection'.
    """

    default_prefix = 'detection'

    def __init__(self, gt_file: str | None = None, subset: str = 'test',
                 tious: Sequence[float] = THUMOS14_TIOUS,
                 average_tious: Sequence[float] | None = THUMOS14_AVERAGE_TIOUS,
                 nms_sigma: float = 0.01,
                 top_k: int = 5000, nms_score_threshold: float = 0.001,
                 nms_variant: str = 'reference', nms_device: str | None = None,
                 video_classification_file: str | None = None,
                 clip_to_duration: bool = False, max_per_video: int | None = None,
                 videos_without_gt: Sequence[str] = (), out_file: str | None = None,
                 version: str = 'THUMOS14',
                 collect_device: str = 'cpu', prefix: str | None = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if nms_variant not in SOFT_NMS_VARIANTS:
            raise ValueError(f'nms_variant must be one of {SOFT_NMS_VARIANTS}, got {nms_variant!r}')
        self.gt_file = gt_file or shipped_file('thumos14', 'thumos_gt.json')
        self.subset = subset
        self.tious = tuple(tious)
        self.average_tious = tuple(average_tious) if average_tious is not None else None
        self.nms = dict(sigma=nms_sigma, top_k=top_k, score_threshold=nms_score_threshold,
                        variant=nms_variant)
        self.nms_device = nms_device
        self.video_classification_file = video_classification_file
        self.clip_to_duration = clip_to_duration
        self.max_per_video = max_per_video
        self.videos_without_gt = frozenset(videos_without_gt)
        # The per-video detections of the last evaluation (what --show-dir draws).
        self.last_results: dict[str, list[dict]] | None = None
        self.out_file = out_file
        self.version = version

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each window's usable detections (seconds) with its video name.

        Detections with a non-finite or reversed segment or a non-finite
        score are left out here and counted (:func:`usable_detections`), as
        are the model's non-finite outputs (``non_finite_outputs``).
        """
        for sample in data_samples:
            pred = sample['pred_instances']
            segments = pred['segments'].cpu().numpy()
            scores = pred['scores'].cpu().numpy()
            usable = usable_detections(segments, scores)
            self.results.append(dict(video_name=sample['video_name'], segments=segments[usable],
                                     scores=scores[usable],
                                     labels=pred['labels'].cpu().numpy()[usable],
                                     unusable=int((~usable).sum()),
                                     duration=sample.get('duration'),
                                     non_finite_outputs=int(sample.get('non_finite_outputs', 0))))

    @staticmethod
    def report_unusable(results: Sequence[dict]) -> None:
        """Warn about what :meth:`process` left out, naming the windows' videos."""
        dropped = sum(r.get('unusable', 0) for r in results)
        broken = [r for r in results if r.get('non_finite_outputs', 0)]
        if broken:
            videos = sorted({r['video_name'] for r in broken})
            print_log(f'The model produced non-finite outputs (NaN or inf) in {len(broken)} of '
                      f'{len(results)} test windows ({len(videos)} videos, e.g. '
                      f'{", ".join(videos[:3])}): its weights or inputs are broken; those '
                      'outputs give no detection.', logger='current', level=logging.WARNING)
        if dropped:
            print_log(f'Left out {dropped} detections with a non-finite or reversed segment '
                      'or a non-finite score: they can never match the ground truth.',
                      logger='current', level=logging.WARNING)

    def merged_results(self, results: Sequence[dict]) -> tuple[dict[str, list[dict]], list[str]]:
        """Per-video detections after soft-NMS, then, as configured, video-level labels,
        clipping to the video and the best ``max_per_video``.

        Returns:
            The detections and the class names they can carry.
        """
        classes = list(self.dataset_meta['classes'])
        merged = merge_windows(results, classes, **self.nms, device=self.merge_device())
        if self.video_classification_file:
            classification = self.read_video_classification()
            classes = list(classification['class'])
            merged = relabel_by_video_classes(merged, classification['results'], classes,
                                              self.video_classification_file)
        if self.clip_to_duration:
            merged = clip_to_durations(merged, self.durations(results))
        if self.max_per_video is not None:
            merged = keep_top_per_video(merged, self.max_per_video)
        return merged, classes

    def merge_device(self) -> torch.device:
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
    def durations(results: Sequence[dict]) -> dict[str, float]:
        """{video: duration in seconds} from the windows' ``duration``.

        Raises:
            KeyError: Naming a video whose windows carry no duration.
        """
        durations = {}
        for window in results:
            if window.get('duration') is None:
                raise KeyError(f"clip_to_duration needs each window's 'duration' (seconds), "
                               f"which the windows of video {window['video_name']!r} lack; "
                               'the ActivityNet dataset gives it')
            durations[window['video_name']] = float(window['duration'])
        return durations

    def check_ground_truth(self, ground_truth: dict, merged: dict, classes: Sequence[str]) -> None:
        """Refuse to score results against a ground truth of other videos or classes.

        Raises:
            ValueError: Naming the ground-truth file and the dataset's files
                when a result video is not in the ground-truth subset (other
                than ``videos_without_gt``) or a ground-truth class is not
                one the model can predict.
        """
        source = ' / '.join(self.dataset_meta.get('source_files', ('the test dataset', )))
        absent = sorted(set(merged) - set(ground_truth) - self.videos_without_gt)
        if absent:
            raise ValueError(
                f'{len(absent)} of the {len(merged)} test videos of {source} are not in the '
                f'{self.subset!r} subset of the ground truth {self.gt_file} (e.g. '
                f'{", ".join(absent[:3])}). Point test_evaluator.gt_file (and '
                'val_evaluator.gt_file) at the ground truth of this dataset.')
        unknown = sorted({label for actions in ground_truth.values()
                          for _, _, label in actions} - set(classes))
        if unknown:
            raise ValueError(
                f'The ground truth {self.gt_file} has classes the model cannot predict '
                f'({", ".join(unknown[:5])}{", ..." if len(unknown) > 5 else ""}); the classes '
                f'of {source} are {", ".join(classes[:5])}{", ..." if len(classes) > 5 else ""}. '
                'Use the ground truth and class list of one dataset.')

    def compute_metrics(self, results: list) -> dict[str, float]:
        """mAP at each tIoU, ``mAP_avg`` (see ``average_tious``), per-class AP (mean over tIoUs)."""
        self.report_unusable(results)
        merged, classes = self.merged_results(results)
        ground_truth = load_ground_truth(self.gt_file, self.subset)
        self.check_ground_truth(ground_truth, merged, classes)
        self.last_results = merged
        if self.out_file:
            if osp.dirname(self.out_file):
                os.makedirs(osp.dirname(self.out_file), exist_ok=True)
            with open(self.out_file, 'w') as f:
                json.dump(dict(version=self.version, results=merged, external_data={}), f)
        mean_ap, per_class = detection_map(ground_truth, merged, self.tious)
        metrics, table = map_table(self.tious, mean_ap, self.average_tious)
        logger = MMLogger.get_current_instance()
        logger.info(f'Detection mAP (%) on {len(merged)} videos:\n{table}')
        logger.info('Per-class AP (%, mean over tIoUs): ' + ', '.join(
            f'{c} {100 * np.mean(ap):.2f}' for c, ap in per_class.items()))
        metrics.update({f'AP/{c}': float(np.mean(ap)) for c, ap in per_class.items()})
        return metrics
