"""Inception-I3D building blocks (pytorch-i3d layout and names)."""
from collections.abc import Sequence

import torch
from torch import Tensor, nn

from ..layers import pad_same


class I3DUnit(nn.Module):
    """Conv3d (no bias, "same" padding) -> BatchNorm3d -> ReLU.

    Args:
        in_channels: Input channels.
        out_channels: Output channels.
        kernel_size: (kT, kH, kW).
        stride: (sT, sH, sW). Defaults to (1, 1, 1).
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Sequence[int],
                 stride: Sequence[int] = (1, 1, 1)) -> None:
        super().__init__()
        self.kernel_size = tuple(kernel_size)
        self.stride = tuple(stride)
        self.conv3d = nn.Conv3d(in_channels, out_channels, self.kernel_size, self.stride,
                                bias=False)
        # eps and momentum of the TensorFlow original, kept by pytorch-i3d.
        self.bn = nn.BatchNorm3d(out_channels, eps=1e-3, momentum=0.01)

    def forward(self, x: Tensor) -> Tensor:
        """[B, C_in, T, H, W] -> [B, C_out, ceil(T/sT), ceil(H/sH), ceil(W/sW)]."""
        x = self.conv3d(pad_same(x, self.kernel_size, self.stride))
        return torch.relu_(self.bn(x))


class SameMaxPool3d(nn.Module):
    """Max-pool with zero "same" padding (inputs are post-ReLU, so zero is neutral).

    Args:
        kernel_size: (kT, kH, kW).
        stride: (sT, sH, sW).
    """

    def __init__(self, kernel_size: Sequence[int], stride: Sequence[int]) -> None:
        super().__init__()
        self.kernel_size = tuple(kernel_size)
        self.stride = tuple(stride)
        self.pool = nn.MaxPool3d(self.kernel_size, self.stride)

    def forward(self, x: Tensor) -> Tensor:
        """[B, C, T, H, W] -> [B, C, ceil(T/sT), ceil(H/sH), ceil(W/sW)]."""
        return self.pool(pad_same(x, self.kernel_size, self.stride))


class InceptionBlock(nn.Module):
    """Four-branch Inception module; branches concatenated on channels.

    Args:
        in_channels: Input channels.
        widths: (b0, b1a, b1b, b2a, b2b, b3b) output channels.
        temporal_kernel: Temporal size of the 3x3 convolutions and of the
            pooling branch: 3 for I3D, 1 for the spatial-only ("2D")
            modules of the top-heavy variant.
    """

    def __init__(self, in_channels: int, widths: Sequence[int], temporal_kernel: int = 3) -> None:
        super().__init__()
        b0, b1a, b1b, b2a, b2b, b3b = widths
        kernel = (temporal_kernel, 3, 3)
        self.b0 = I3DUnit(in_channels, b0, (1, 1, 1))
        self.b1a = I3DUnit(in_channels, b1a, (1, 1, 1))
        self.b1b = I3DUnit(b1a, b1b, kernel)
        self.b2a = I3DUnit(in_channels, b2a, (1, 1, 1))
        self.b2b = I3DUnit(b2a, b2b, kernel)
        self.b3a = SameMaxPool3d(kernel, (1, 1, 1))
        self.b3b = I3DUnit(in_channels, b3b, (1, 1, 1))
        self.out_channels = b0 + b1b + b2b + b3b

    def forward(self, x: Tensor) -> Tensor:
        """[B, C_in, T, H, W] -> [B, out_channels, T, H, W]."""
        return torch.cat([
            self.b0(x),
            self.b1b(self.b1a(x)),
            self.b2b(self.b2a(x)),
            self.b3b(self.b3a(x)),
        ], dim=1)
