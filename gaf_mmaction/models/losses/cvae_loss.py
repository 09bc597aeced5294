"""CVAE loss with the attention-centred prior (docs/published_code.md §5.4)."""
import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class CVAELoss(nn.Module):
    """``recon_weight * MSE(feat, recon) + kld_weight * KLD(q || N(att, I))``.

    ``KLD = -0.5 * mean(1 + log_var - (mean - att^T)^2 - exp(log_var))``,
    averaged over every element, not summed over the latent.

    Args:
        kld_weight: Weight of the KL term. Defaults to 0.1.
        recon_weight: Weight of the reconstruction MSE. Defaults to 1.0.
    """

    def __init__(self, kld_weight: float = 0.1, recon_weight: float = 1.0) -> None:
        super().__init__()
        self.kld_weight = kld_weight
        self.recon_weight = recon_weight

    @staticmethod
    def kld(mean: Tensor, log_var: Tensor, att: Tensor) -> Tensor:
        """Mean KL divergence to the prior N(att^T, I).

        Args:
            mean: [B, T, C] posterior mean.
            log_var: [B, T, C] posterior log-variance.
            att: [B, C, T] attention (the prior's mean, transposed).
        """
        prior = att.transpose(1, 2)
        return -0.5 * torch.mean(1 + log_var - (mean - prior).pow(2) - log_var.exp())

    def forward(self, feat: Tensor, recon: Tensor, mean: Tensor, log_var: Tensor,
                att: Tensor) -> Tensor:
        """Scalar loss for one backbone map.

        Args:
            feat: [B, C, T, S, S] backbone map the CVAE encoded.
            recon: [B, C, T, S, S] its reconstruction.
            mean, log_var: [B, T, C] posterior parameters.
            att: [B, C, T] attention the CVAE was conditioned on.
        """
        mse = torch.mean((feat - recon).pow(2))
        return self.recon_weight * mse + self.kld_weight * self.kld(mean, log_var, att)
