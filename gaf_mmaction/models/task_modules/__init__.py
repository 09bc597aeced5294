"""Target assignment and segment geometry used by the losses."""
from .decoding import attach_detections, decode_outputs
from .distance_iou import distance_giou, distance_iou
from .prior_matcher import match_priors, pad_targets

__all__ = ['attach_detections', 'decode_outputs', 'distance_giou', 'distance_iou', 'match_priors', 'pad_targets']
