"""Necks: from backbone maps to a temporal pyramid."""
from .temporal_pyramid import TemporalPyramidNeck

__all__ = ['TemporalPyramidNeck']
