"""Datasets and transforms; importing this registers them in MMAction2's registries."""
from . import transforms
from .activitynet import ActivityNetDetectionDataset
from .thumos14 import Thumos14Dataset, Thumos14FeatureDataset

__all__ = ['ActivityNetDetectionDataset', 'Thumos14Dataset', 'Thumos14FeatureDataset',
           'transforms']
