"""Target assignment, segment geometry and decoding, shared by heads and losses."""
from .decoding import decode_outputs, decode_segments, window_detections
from .distance_iou import distance_giou, distance_iou
from .prior_matcher import (
    CentreInSegmentMatcher,
    LevelRangeMatcher,
    match_priors,
    pad_targets,
)
from .segment_regions import frame_segments, level_segments, segment_regions

__all__ = ['CentreInSegmentMatcher', 'LevelRangeMatcher', 'decode_outputs', 'decode_segments',
           'distance_giou', 'distance_iou', 'frame_segments', 'level_segments', 'match_priors',
           'pad_targets', 'segment_regions', 'window_detections']
