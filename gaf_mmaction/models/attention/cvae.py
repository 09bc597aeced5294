"""Conditional VAE reconstructing a backbone map from its attention (docs/published_code.md §5.3)."""
import torch
from mmaction.registry import MODELS
from torch import Tensor, nn

from ..layers import spatial_reduce


class CVAEEncoder(nn.Module):
    """(feature, attention) -> Gaussian posterior over a [B, T, C] latent."""

    def __init__(self, channels: int, spatial_size: int | None, num_groups: int) -> None:
        super().__init__()
        self.reduce = nn.Sequential(
            spatial_reduce(channels, channels, spatial_size),
            nn.GroupNorm(num_groups, channels),
            nn.ReLU(inplace=True))
        self.fc1 = nn.Linear(2 * channels, channels)
        self.fc2 = nn.Linear(channels, channels)
        self.fc3 = nn.Linear(channels, 2 * channels)

    def forward(self, feat: Tensor, att: Tensor) -> tuple[Tensor, Tensor]:
        """[B, C, T, S, S] and [B, C, T] -> (mean, log_var), each [B, T, C]."""
        x = torch.cat([self.reduce(feat).flatten(2), att], dim=1).transpose(1, 2)
        x = self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))
        return x.chunk(2, dim=-1)


class CVAEDecoder(nn.Module):
    """(latent, attention) -> reconstructed backbone map."""

    def __init__(self, channels: int, spatial_size: int | None, num_groups: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(2 * channels, channels)
        self.fc2 = nn.Linear(channels, channels)
        self.fc3 = nn.Linear(channels, channels)
        self.expand = nn.Sequential(
            spatial_reduce(channels, channels, spatial_size, transposed=True),
            nn.GroupNorm(num_groups, channels),
            nn.ReLU(inplace=True))

    def forward(self, z: Tensor, att: Tensor) -> Tensor:
        """[B, T, C] latent and [B, C, T] attention -> [B, C, T, S, S] (S = 1 if unset)."""
        x = torch.cat([z, att.transpose(1, 2)], dim=-1)
        x = self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))
        return self.expand(x.transpose(1, 2)[..., None, None])


def _standard_normal(like: Tensor) -> Tensor:
    """Contiguous N(0, 1) noise of ``like``'s shape, dtype and device.

    Unlike ``randn_like`` it ignores the strides of ``like``, so a seed gives
    the same noise per position as the published ``torch.randn(shape)``.
    """
    return torch.randn(like.shape, dtype=like.dtype, device=like.device)


@MODELS.register_module()
class FeatureCVAE(nn.Module):
    """CVAE over one backbone map, conditioned on its attention.

    The latent has the map's layout transposed, [B, T, C]; its prior is
    N(attention, I), so ``inference`` samples ``z = att + eps``.

    Args:
        channels: Channels C of the backbone map.
        spatial_size: Spatial size S of the backbone map; None works on the
            map's spatial mean (any size), generating [B, C, T, 1, 1].
        num_groups: GroupNorm groups. Defaults to 32.
    """

    def __init__(self, channels: int, spatial_size: int | None, num_groups: int = 32) -> None:
        super().__init__()
        self.spatial_size = spatial_size
        self.encoder = CVAEEncoder(channels, spatial_size, num_groups)
        self.decoder = CVAEDecoder(channels, spatial_size, num_groups)

    def target(self, feat: Tensor) -> Tensor:
        """What a generated map is compared with: the map, or its spatial mean."""
        return feat if self.spatial_size is not None else feat.mean((-2, -1), keepdim=True)

    def forward(self, feat: Tensor, att: Tensor) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """Encode and reconstruct (the CVAE training path).

        Args:
            feat: [B, C, T, S, S] backbone map.
            att: [B, C, T] attention of that map.

        Returns:
            (mean, log_var, z, recon): [B, T, C] x 3 and [B, C, T, S, S].
        """
        mean, log_var = self.encoder(feat, att)
        z = mean + _standard_normal(mean) * torch.exp(0.5 * log_var)
        return mean, log_var, z, self.decoder(z, att)

    def inference(self, att: Tensor) -> Tensor:
        """Generate a map from attention alone: [B, C, T] -> [B, C, T, S, S]."""
        z = att.transpose(1, 2)
        return self.decoder(_standard_normal(z) + z, att)
