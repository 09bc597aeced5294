"""Detection mAP as an MMEngine metric (THUMOS14 and ActivityNet protocols)."""
import json
import os
import os.path as osp
from collections.abc import Sequence

import numpy as np
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from ..datasets.annotation_files import shipped_file
from ..utils import ConfigMismatchError, InputPath, require_inputs
from .detection_map import THUMOS14_AVERAGE_TIOUS, THUMOS14_TIOUS, detection_map, map_table
from .ground_truth import Protocol, count_actions, load_ground_truth
from .post_processing import VideoPostProcessor, build_post_processor

# The post-processing settings that were the metric's own keys before they moved into its
# ``post_processor`` block: a config that still sets one is told where it went.
MOVED_TO_POST_PROCESSOR = ('nms_sigma', 'top_k', 'nms_score_threshold', 'nms_variant',
                           'nms_device', 'video_classification_file', 'clip_to_duration',
                           'max_per_video')


def gt_file_input(path: str) -> InputPath:
    """A configured ground-truth file, as an input that must exist."""
    return InputPath(path, 'test_evaluator.gt_file', 'ground truth of the test data',
                     'give the ground truth of the tested videos (docs/testing.md)')


def refuse_moved_keys(keys: dict) -> None:
    """Name the new place of each post-processing key given to the metric itself.

    Raises:
        ConfigMismatchError: For a key of :data:`MOVED_TO_POST_PROCESSOR`.
        TypeError: For any other unknown key, as Python would.
    """
    moved = [k for k in keys if k in MOVED_TO_POST_PROCESSOR]
    if moved:
        raise ConfigMismatchError(
            'The post-processing settings live in the metric\'s post_processor block: set '
            + ', '.join(f'test_evaluator.post_processor.{k} (not test_evaluator.{k})'
                        for k in moved)
            + ", and the same under val_evaluator when it is not the test evaluator; e.g. "
            "--cfg-options test_evaluator.post_processor.nms_sigma=0.5")
    if keys:
        raise TypeError(f'TemporalDetectionMetric got unexpected arguments {sorted(keys)}')


@METRICS.register_module()
class TemporalDetectionMetric(BaseMetric):
    """Merge window detections per video, soft-NMS them per class, and compute mAP.

    Works on the ``pred_instances`` of :meth:`GAFDetector.predict`; the
    post-processing is the ``post_processor`` block's (a
    :class:`VideoPostProcessor`, whose arguments are documented there). Under
    DDP, MMEngine gathers every window on rank 0 before
    ``compute_metrics`` (and drops the sampler's padding), so each video is
    merged once from all its windows.

    Args:
        gt_file: Ground truth in the ActivityNet JSON layout. Defaults to
            None: the test dataset's own annotation file and subset when it
            names them (``OwnVideosDataset``), else the shipped THUMOS14
            ``thumos_gt.json``.
        subset: Ground-truth subset to evaluate (with a ``gt_file``).
            Defaults to 'test'.
        tious: Temporal IoU thresholds. Defaults to 0.1 ... 0.7 (THUMOS14:
            0.3:0.1:0.7 and the GAF paper's 0.1, 0.2); ActivityNet uses
            0.5:0.05:0.95.
        average_tious: Thresholds ``mAP_avg`` averages (those of ``tious``
            among them). Defaults to 0.3:0.1:0.7, the THUMOS14 protocol;
            None averages all of ``tious``.
        duplicates: 'keep' every ground-truth annotation (default: the
            published evaluator) or 'drop' repeated ones as ActionFormer and
            OpenTAD do (:class:`~.ground_truth.Protocol`).
        ignore_labels: Ground-truth labels left out, e.g. ``['Ambiguous']``
            as OpenTAD's THUMOS14 datasets do. Defaults to () (published).
        post_processor: Config of the per-video post-processing,
            ``dict(type='VideoPostProcessor', nms_sigma=..., top_k=...,
            nms_score_threshold=..., nms_variant=..., nms_device=...,
            video_classification_file=..., clip_to_duration=...,
            max_per_video=...)``; the video API and the benchmark build theirs
            from it too. Defaults to None: ``VideoPostProcessor``'s defaults
            (sigma 0.01, top_k 5000, threshold 0.001, 'reference', the CUDA
            device if any, no classifier, no clipping, every detection).
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
                 duplicates: str = 'keep', ignore_labels: Sequence[str] = (),
                 post_processor: dict | None = None,
                 videos_without_gt: Sequence[str] = (), out_file: str | None = None,
                 version: str = 'THUMOS14',
                 collect_device: str = 'cpu', prefix: str | None = None, **moved) -> None:
        refuse_moved_keys(moved)
        super().__init__(collect_device=collect_device, prefix=prefix)
        if gt_file is not None:
            require_inputs([gt_file_input(gt_file)])
        self.post_processor = build_post_processor(post_processor)
        self.configured_gt = gt_file
        self.gt_file = gt_file or shipped_file('thumos14', 'thumos_gt.json')
        self.subset = subset
        self.tious = tuple(tious)
        self.average_tious = tuple(average_tious) if average_tious is not None else None
        self.protocol = Protocol(duplicates, ignore_labels)
        self.videos_without_gt = frozenset(videos_without_gt)
        # The per-video detections of the last evaluation (what --show-dir draws).
        self.last_results: dict[str, list[dict]] | None = None
        self.out_file = out_file
        self.version = version

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each window's usable detections (seconds) with its video name
        (:meth:`VideoPostProcessor.window_detections`)."""
        self.results.extend(map(VideoPostProcessor.window_detections, data_samples))

    def merged_results(self, results: Sequence[dict]) -> tuple[dict[str, list[dict]], list[str]]:
        """Per-video detections of the windows ``results`` (:class:`VideoPostProcessor`) and
        the class names they can carry."""
        return self.post_processor(results, self.dataset_meta['classes'])

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
        VideoPostProcessor.report_unusable(results)
        merged, classes = self.merged_results(results)
        if self.configured_gt is None and 'ground_truth_file' in self.dataset_meta:
            self.gt_file = self.dataset_meta['ground_truth_file']
            self.subset = self.dataset_meta['ground_truth_subset']
        ground_truth = load_ground_truth(self.gt_file, self.subset, self.protocol)
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
        logger.info(f'Detection mAP (%) on {len(merged)} videos; ground truth {self.gt_file} '
                    f'({self.subset!r}: {len(ground_truth)} videos, {count_actions(ground_truth)} '
                    f'actions; {self.protocol.describe()}):\n{table}')
        logger.info('Per-class AP (%, mean over tIoUs): ' + ', '.join(
            f'{c} {100 * np.mean(ap):.2f}' for c, ap in per_class.items()))
        metrics.update({f'AP/{c}': float(np.mean(ap)) for c, ap in per_class.items()})
        return metrics
