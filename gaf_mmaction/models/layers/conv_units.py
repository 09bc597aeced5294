"""Convolution units with TensorFlow "same" padding along time.

Attribute names (``conv1d``, ``conv3d``) follow the published AFSD/GAF
modules so that their checkpoints map onto ours by prefix.
"""
from torch import Tensor, nn

from .same_padding import pad_same


class Unit1D(nn.Module):
    """Conv1d with "same" padding; no normalisation or activation.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: Temporal kernel. Defaults to 1.
        stride: Temporal stride. Defaults to 1.
        bias: Whether the convolution has a bias. Defaults to True.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int = 1,
                 stride: int = 1, bias: bool = True) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride
        self.conv1d = nn.Conv1d(in_channels, out_channels, kernel_size, stride, bias=bias)

    def forward(self, x: Tensor) -> Tensor:
        """[B, C_in, T] -> [B, C_out, ceil(T / stride)]."""
        return self.conv1d(pad_same(x, (self.kernel_size,), (self.stride,)))


class SpatialReduce3D(nn.Module):
    """Conv3d whose kernel covers the whole spatial map, "same" in time.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: (kT, kH, kW); kH and kW equal the input's spatial size
            so that the output has spatial size 1.
    """

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: tuple[int, int, int]) -> None:
        super().__init__()
        self.kernel_size = tuple(kernel_size)
        self.conv3d = nn.Conv3d(in_channels, out_channels, self.kernel_size)

    def forward(self, x: Tensor) -> Tensor:
        """[B, C_in, T, H, W] -> [B, C_out, T, H - kH + 1, W - kW + 1]."""
        return self.conv3d(pad_same(x, self.kernel_size[:1], (1,)))


class SpatialMean(nn.Module):
    """Mean over the spatial axes: [B, C, T, H, W] -> [B, C, T, 1, 1].

    ``AdaptiveAvgPool3d((None, 1, 1))`` computes the same, but its CUDA
    backward has no deterministic kernel (``--deterministic`` then fails).
    """

    def forward(self, x: Tensor) -> Tensor:
        """[B, C, T, H, W] -> [B, C, T, 1, 1]."""
        return x.mean((-2, -1), keepdim=True)


def conv1d_gn_relu(in_channels: int, out_channels: int, kernel_size: int = 1,
                   stride: int = 1, num_groups: int = 32) -> nn.Sequential:
    """Unit1D -> GroupNorm -> ReLU, indexed 0, 1, 2 as in the reference."""
    return nn.Sequential(
        Unit1D(in_channels, out_channels, kernel_size, stride),
        nn.GroupNorm(num_groups, out_channels),
        nn.ReLU(inplace=True))


def spatial_reduce(in_channels: int, out_channels: int, spatial_size: int | None,
                   transposed: bool = False) -> nn.Module:
    """Collapse (or, ``transposed``, expand) the spatial axes of a [B, C, T, H, W] map.

    With a known ``spatial_size`` S, a Conv3d (ConvTranspose3d) of kernel
    (1, S, S), as published for a fixed crop. With None the size is taken
    from the input: the map is averaged over space and a 1x1x1 convolution
    follows, so any backbone and crop fit; ``transposed`` then keeps the
    1 x 1 spatial map (a generated map is compared with the spatial mean).
    """
    if spatial_size is not None:
        conv = nn.ConvTranspose3d if transposed else nn.Conv3d
        return conv(in_channels, out_channels, (1, spatial_size, spatial_size))
    if transposed:
        return nn.ConvTranspose3d(in_channels, out_channels, 1)
    return nn.Sequential(SpatialMean(), nn.Conv3d(in_channels, out_channels, 1))
