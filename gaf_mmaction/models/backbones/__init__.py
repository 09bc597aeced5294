"""Backbones: Inception-I3D, its top-heavy distillation student, and pre-extracted features."""
from .inception_i3d import InceptionI3D, TopHeavyInceptionI3D
from .precomputed_features import PrecomputedFeatures

__all__ = ['InceptionI3D', 'PrecomputedFeatures', 'TopHeavyInceptionI3D']
