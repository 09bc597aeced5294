"""Frame-level start/end supervision of the boundary features (docs/published_code.md §5.6)."""
import torch
from mmaction.registry import MODELS
from torch import Tensor, nn


def _boundary_bce(feat: Tensor, target: Tensor) -> Tensor:
    """Mean BCE of mean(tanh(feat)) over channels [B, T, C] against [B, T] indicators.

    Written out (logs clamped at -100, as ``F.binary_cross_entropy``) because
    that function refuses to run under autocast.
    """
    prob = torch.tanh(feat.float()).mean(-1)
    target = target.to(prob)
    log_p = torch.log(prob).clamp(min=-100)
    log_not_p = torch.log1p(-prob).clamp(min=-100)
    return -(target * log_p + (1 - target) * log_not_p).mean()


@MODELS.register_module()
class BoundaryBCELoss(nn.Module):
    """Start and end BCE at frame level plus, weighted, at proposal level.

    ``loss_start = bce(start) + w * (bce(start_loc_prop) + bce(start_conf_prop))``,
    the proposal-level targets subsampled to the level-0 length; likewise
    ``loss_end``.

    Args:
        proposal_weight: Weight ``w`` of the proposal-level terms. Defaults to 0.1.
    """

    def __init__(self, proposal_weight: float = 0.1) -> None:
        super().__init__()
        self.proposal_weight = proposal_weight

    def forward(self, outputs: dict[str, Tensor], boundaries: Tensor) -> dict[str, Tensor]:
        """``outputs`` of ``AFSDHead``; ``boundaries`` [B, 2, L] (start, end) indicators."""
        step = boundaries.shape[-1] // outputs['start_loc_prop'].shape[1]
        # Legacy nearest downsampling keeps every step-th frame.
        coarse = boundaries[..., ::step]
        losses = {}
        for row, side in enumerate(('start', 'end')):
            frame = _boundary_bce(outputs[side], boundaries[:, row])
            proposal = (_boundary_bce(outputs[f'{side}_loc_prop'], coarse[:, row])
                        + _boundary_bce(outputs[f'{side}_conf_prop'], coarse[:, row]))
            losses[f'loss_{side}'] = frame + self.proposal_weight * proposal
        return losses
