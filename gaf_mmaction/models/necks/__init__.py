"""Necks: from backbone maps to a temporal pyramid, or to attention-weighted maps."""
from .generative_attention_neck import GenerativeAttentionNeck
from .temporal_pyramid import TemporalPyramidNeck

__all__ = ['GenerativeAttentionNeck', 'TemporalPyramidNeck']
