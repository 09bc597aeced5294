"""AFSD's detection loss over coarse and refined predictions (docs/published_code.md §5.5)."""

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ...structures import BACKGROUND
from ..task_modules import distance_giou, distance_iou
from .focal_loss import softmax_focal_loss


@MODELS.register_module()
class MultiSegmentLoss(nn.Module):
    """GIoU + focal on coarse predictions, L1 + focal on refined ones, centerness BCE.

    Coarse terms are normalised by the number of positive priors N,
    refined ones by the number of priors whose coarse IoU reaches ``piou``
    (PN), both at least 1; sums run over the whole batch.

    Args:
        piou: IoU of the coarse prediction with its target from which a
            prior is positive for the refined classification. Defaults to 0.5.
        loc_weight: Weight ``lw`` of ``loss_loc`` and ``loss_prop_loc``.
            Defaults to 10.
        conf_weight: Weight ``cw`` of ``loss_conf``, ``loss_prop_conf`` and
            ``loss_center``. Defaults to 1.
        detach_center_target: Stop gradients through the centerness target
            (the IoU of the refined segment). The published loss lets them
            flow (§11 Q11). Defaults to False.
    """

    def __init__(self, piou: float = 0.5, loc_weight: float = 10.0, conf_weight: float = 1.0,
                 detach_center_target: bool = False) -> None:
        super().__init__()
        self.piou = piou
        self.loc_weight = loc_weight
        self.conf_weight = conf_weight
        self.detach_center_target = detach_center_target

    def forward(self, outputs: dict[str, Tensor], loc_t: Tensor,
                conf_t: Tensor) -> dict[str, Tensor]:
        """Weighted loss terms.

        Args:
            outputs: Head outputs ``loc``, ``conf``, ``prop_loc``,
                ``prop_conf``, ``center`` (see ``AFSDHead``).
            loc_t: [B, K, 2] frames from each prior to its target's start
                and end (the head's matcher).
            conf_t: [B, K] target labels, ``BACKGROUND`` where no target.

        Returns:
            ``loss_loc``, ``loss_conf``, ``loss_prop_loc``,
            ``loss_prop_conf``, ``loss_center``.
        """
        loc, prop_loc = outputs['loc'], outputs['prop_loc']
        with torch.no_grad():
            pre = loc.detach()
            # The refined classification keeps a target only where the coarse prediction
            # already reaches piou with it.
            prop_conf_t = torch.where(distance_iou(pre, loc_t) >= self.piou, conf_t,
                                      torch.full_like(conf_t, BACKGROUND))
            prop_loc_t = (loc_t - pre) / (0.5 * pre.sum(-1, keepdim=True))
        pos = conf_t != BACKGROUND
        prop_pos = prop_conf_t != BACKGROUND
        num_pos = pos.sum().clamp(min=1)
        num_prop_pos = prop_pos.sum().clamp(min=1)
        zero = loc.new_zeros(())

        loss_loc = torch.where(pos, 1.0 - distance_giou(loc, loc_t), zero).sum() / num_pos
        loss_conf = softmax_focal_loss(outputs['conf'], conf_t) / num_pos
        l1 = F.l1_loss(prop_loc, prop_loc_t, reduction='none').sum(-1)
        loss_prop_loc = torch.where(prop_pos, l1, zero).sum() / num_prop_pos
        loss_prop_conf = softmax_focal_loss(outputs['prop_conf'], prop_conf_t) / num_prop_pos

        refined = loc + 0.5 * loc.sum(-1, keepdim=True) * prop_loc
        center_t = distance_iou(refined, loc_t).clamp(min=0)
        if self.detach_center_target:
            center_t = center_t.detach()
        bce = F.binary_cross_entropy_with_logits(outputs['center'].squeeze(-1), center_t,
                                                 reduction='none')
        loss_center = torch.where(pos, bce, zero).sum() / num_pos
        return dict(loss_loc=self.loc_weight * loss_loc,
                    loss_conf=self.conf_weight * loss_conf,
                    loss_prop_loc=self.loc_weight * loss_prop_loc,
                    loss_prop_conf=self.conf_weight * loss_prop_conf,
                    loss_center=self.conf_weight * loss_center)
