"""Datasets and transforms; importing this registers them in MMAction2's registries."""
from . import base, samplers, transforms
from .actionformer import ActionFormerFeatureDataset, ActionFormerResizedFeatureDataset
from .activitynet import ActivityNetDetectionDataset
from .feature_geometry import FeatureGeometry
from .feature_releases import FEATURE_RELEASES, FeatureRelease, feature_release
from .opentad import OpenTADFeatureDataset, OpenTADResizedFeatureDataset
from .own_videos import OwnVideosDataset
from .thumos14 import Thumos14Dataset, Thumos14FeatureDataset

__all__ = ['FEATURE_RELEASES', 'ActionFormerFeatureDataset', 'ActionFormerResizedFeatureDataset',
           'ActivityNetDetectionDataset', 'FeatureGeometry', 'FeatureRelease',
           'OpenTADFeatureDataset', 'OpenTADResizedFeatureDataset', 'OwnVideosDataset',
           'Thumos14Dataset', 'Thumos14FeatureDataset', 'base', 'feature_release', 'samplers',
           'transforms']
