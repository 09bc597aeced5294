"""Small datasets for tests of GAF and of code built on it (as ``mmaction.testing``)."""
from .thumos_like import TINY_CLASSES, TINY_VIDEOS, build_tiny_dataset, write_thumos_like

__all__ = ['TINY_CLASSES', 'TINY_VIDEOS', 'build_tiny_dataset', 'write_thumos_like']
