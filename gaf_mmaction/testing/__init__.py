"""Small datasets for tests of GAF and of code built on it (as ``mmaction.testing``)."""
from .activitynet_like import TINY_ANET_VIDEOS, write_activitynet_like
from .feature_release_replicas import (
    REPLICA_ANET_VIDEOS,
    REPLICA_VIDEOS,
    write_actionformer_replica,
    write_opentad_replica,
)
from .thumos_like import (
    TINY_CLASSES,
    TINY_VIDEOS,
    build_tiny_dataset,
    data_options,
    write_thumos_like,
)
from .videos import write_moving_square, write_mp4

__all__ = ['REPLICA_ANET_VIDEOS', 'REPLICA_VIDEOS', 'TINY_ANET_VIDEOS', 'TINY_CLASSES',
           'TINY_VIDEOS', 'build_tiny_dataset', 'data_options', 'write_actionformer_replica',
           'write_activitynet_like', 'write_moving_square', 'write_mp4', 'write_opentad_replica',
           'write_thumos_like']
