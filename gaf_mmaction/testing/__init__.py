"""Small datasets for tests of GAF and of code built on it (as ``mmaction.testing``)."""
from .activitynet_like import TINY_ANET_VIDEOS, write_activitynet_like
from .thumos_like import (
    TINY_CLASSES,
    TINY_VIDEOS,
    build_tiny_dataset,
    data_options,
    write_thumos_like,
)
from .videos import write_moving_square, write_mp4

__all__ = ['TINY_ANET_VIDEOS', 'TINY_CLASSES', 'TINY_VIDEOS', 'build_tiny_dataset', 'data_options',
           'write_activitynet_like', 'write_moving_square', 'write_mp4',
           'write_thumos_like']
