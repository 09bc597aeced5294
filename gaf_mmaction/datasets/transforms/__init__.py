"""Data transforms for windows of untrimmed videos."""
from .boundary_splice import BoundarySplice
from .cropping import CenterCropClip, FlipClip, RandomCropClip
from .formatting import PackDetectionInputs
from .loading import LoadFeatureWindow, LoadFrameWindow

__all__ = ['BoundarySplice', 'CenterCropClip', 'FlipClip', 'LoadFeatureWindow', 'LoadFrameWindow',
           'PackDetectionInputs', 'RandomCropClip']
