"""Evaluation: per-video merging, soft-NMS and detection mAP."""
from .detection_map import (
    ACTIVITYNET_TIOUS,
    THUMOS14_AVERAGE_TIOUS,
    THUMOS14_TIOUS,
    detection_map,
    map_table,
    usable_detections,
)
from .ground_truth import Protocol, load_ground_truth
from .post_processing import VideoPostProcessor, build_post_processor
from .results_file import ResultsFileError, read_results
from .temporal_detection_metric import TemporalDetectionMetric
from .video_merging import merge_windows, relabel_by_video_classes

__all__ = [
    'ACTIVITYNET_TIOUS',
    'THUMOS14_AVERAGE_TIOUS',
    'THUMOS14_TIOUS',
    'Protocol',
    'ResultsFileError',
    'TemporalDetectionMetric',
    'VideoPostProcessor',
    'build_post_processor',
    'detection_map',
    'load_ground_truth',
    'map_table',
    'merge_windows',
    'read_results',
    'relabel_by_video_classes',
    'usable_detections',
]
