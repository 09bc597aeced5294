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
from .post_processing import VideoPostProcessor, post_processor_of
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
    'detection_map',
    'load_ground_truth',
    'map_table',
    'merge_windows',
    'post_processor_of',
    'read_results',
    'relabel_by_video_classes',
    'usable_detections',
]
