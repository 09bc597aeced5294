"""Backbones: Inception-I3D, its top-heavy distillation student, and pre-extracted features."""
from .feature_maps import FeatureMap
from .inception_i3d import InceptionI3D, TopHeavyInceptionI3D
from .precomputed_features import PrecomputedFeatures

__all__ = ['FeatureMap', 'InceptionI3D', 'PrecomputedFeatures', 'TopHeavyInceptionI3D']
