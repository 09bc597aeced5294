"""Conventions shared by the data pipeline and the model, each stated once."""
from .data_sample import DetectionDataSample, pinned
from .labels import BACKGROUND, FIRST_ACTION, class_name
from .parameter_names import ATTENTION_PREFIX, CVAE_KEYS, CVAE_PREFIX
from .splice import SPLICE_AFTER, SPLICE_BACKGROUND, SPLICE_BEFORE, splice_triplet

__all__ = ['ATTENTION_PREFIX', 'BACKGROUND', 'CVAE_KEYS', 'CVAE_PREFIX', 'FIRST_ACTION', 'SPLICE_AFTER',
           'SPLICE_BACKGROUND', 'SPLICE_BEFORE', 'DetectionDataSample', 'class_name', 'pinned',
           'splice_triplet']
