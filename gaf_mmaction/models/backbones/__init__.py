"""Backbones: Inception-I3D and its top-heavy distillation student."""
from .inception_i3d import InceptionI3D, TopHeavyInceptionI3D

__all__ = ['InceptionI3D', 'TopHeavyInceptionI3D']
