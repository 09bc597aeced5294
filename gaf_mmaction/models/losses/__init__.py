"""Losses of GAF, one concept per file."""
from .background_loss import BackgroundLoss
from .boundary_bce_loss import BoundaryBCELoss
from .cvae_loss import CVAELoss
from .focal_loss import softmax_focal_loss
from .multi_segment_loss import MultiSegmentLoss
from .reconstruction_loss import ReconstructionLoss
from .splice_triplet_loss import SpliceTripletLoss
from .triplet_loss import BoundaryTripletLoss

__all__ = ['BackgroundLoss', 'BoundaryBCELoss', 'BoundaryTripletLoss', 'CVAELoss',
           'MultiSegmentLoss', 'ReconstructionLoss', 'SpliceTripletLoss', 'softmax_focal_loss']
