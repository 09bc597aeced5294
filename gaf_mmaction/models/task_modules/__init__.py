"""Target assignment and segment geometry used by the losses."""
from .distance_iou import distance_giou, distance_iou
from .prior_matcher import match_priors, pad_targets

__all__ = ['distance_giou', 'distance_iou', 'match_priors', 'pad_targets']
