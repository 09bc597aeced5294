"""Datasets and transforms; importing this registers them in MMAction2's registries."""
from . import base, samplers, transforms
from .activitynet import ActivityNetDetectionDataset
from .own_videos import OwnVideosDataset
from .thumos14 import Thumos14Dataset, Thumos14FeatureDataset

__all__ = ['ActivityNetDetectionDataset', 'OwnVideosDataset', 'Thumos14Dataset', 'Thumos14FeatureDataset', 'base',
           'samplers', 'transforms']
