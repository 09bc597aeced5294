"""Building blocks shared by the neck, heads and attention module."""
from .conv_units import SpatialReduce3D, Unit1D, conv1d_gn_relu, spatial_reduce
from .same_padding import pad_same, same_padding

__all__ = ['SpatialReduce3D', 'Unit1D', 'conv1d_gn_relu', 'pad_same', 'same_padding',
           'spatial_reduce']
