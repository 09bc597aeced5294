"""Timelines of the test videos after testing (``test.py --show-dir``)."""
import logging
import os.path as osp
from pathlib import Path

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log

from ..evaluation.ground_truth import load_ground_truth
from ..evaluation.temporal_detection_metric import TemporalDetectionMetric
from ..visualization import plot_video_timeline


@HOOKS.register_module()
class TimelineVisualizationHook(Hook):
    """Draw each test video's ground truth above its best detections, one PNG per video.

    It is the config's ``default_hooks.visualization`` and is off by
    default; ``--show-dir DIR`` of our ``tools/test.py`` and of MMAction2's
    switches it on (they set ``enable``, ``out_dir``, ``interval``,
    ``show`` and ``wait_time``, the arguments of MMAction2's own
    visualization hook). The detections are those that the
    :class:`TemporalDetectionMetric` just scored (after merging and
    soft-NMS), so the pictures show exactly what was evaluated. Under DDP
    the process that computed the metric draws.

    Args:
        enable: Draw at all. Defaults to False.
        out_dir: Folder of the PNGs; relative paths are under the run's
            log folder. Defaults to 'timelines'.
        interval: Draw every ``interval``-th video (sorted by name).
            Defaults to 1.
        max_detections: Detections drawn per video. Defaults to 15.
        show: Displaying windows is not supported (files only); True
            logs a warning. Defaults to False.
        wait_time: Accepted for MMAction2's test.py; unused. Defaults to 0.
    """

    def __init__(self, enable: bool = False, out_dir: str | None = 'timelines', interval: int = 1,
                 max_detections: int = 15, show: bool = False, wait_time: float = 0) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        self.enable = enable
        self.out_dir = out_dir or 'timelines'
        self.interval = interval
        self.max_detections = max_detections
        self.show = show

    def after_test_epoch(self, runner, metrics: dict | None = None) -> None:
        """Draw the timelines of the metric's last results."""
        if not self.enable:
            return
        if self.show:
            print_log('TimelineVisualizationHook writes PNG files only; --show is ignored',
                      logger='current', level=logging.WARNING)
        for metric in runner.test_evaluator.metrics:
            if isinstance(metric, TemporalDetectionMetric) and metric.last_results is not None:
                self.draw(metric, Path(osp.join(runner.log_dir, self.out_dir)))

    def draw(self, metric: TemporalDetectionMetric, out: Path) -> None:
        """One ``timeline_<video>.png`` per ``interval``-th result video, under ``out``."""
        ground_truth = load_ground_truth(metric.gt_file, metric.subset, metric.protocol)
        classes = list(dict.fromkeys(
            [label for actions in ground_truth.values() for _, _, label in actions]
            + [d['label'] for dets in metric.last_results.values() for d in dets]))
        videos = sorted(metric.last_results)[::self.interval]
        out.mkdir(parents=True, exist_ok=True)
        for video in videos:
            plot_video_timeline(video, ground_truth.get(video, []), metric.last_results[video],
                                classes, out / f'timeline_{video}.png',
                                max_detections=self.max_detections)
        print_log(f'Wrote {len(videos)} timelines to {out}', logger='current')
