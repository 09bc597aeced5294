"""AFSD's detection loss over coarse and refined predictions (docs/published_code.md §5.5)."""

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor, nn

from ...structures import BACKGROUND
from ..task_modules import distance_giou, distance_iou
from .focal_loss import softmax_focal_loss

REFINED_PIOU_RULES = ('fixed', 'adaptive')
REFINED_LOC_LOSSES = ('l1', 'smooth_l1')
NORMALIZATIONS = ('batch', 'per_sample')


def normalised_sum(terms: Tensor, counts: Tensor, normalization: str) -> Tensor:
    """Sum [B, K] ``terms`` and divide by the positive counts [B] (each at least 1).

    'batch' divides the batch's sum by the batch's count (THUMOS14);
    'per_sample' divides each clip's sum by its own count and averages over
    the clips (the published ActivityNet loss).
    """
    if normalization == 'batch':
        return terms.sum() / counts.sum().clamp(min=1)
    return (terms.sum(-1) / counts.clamp(min=1)).mean()


@MODELS.register_module()
class MultiSegmentLoss(nn.Module):
    """GIoU + focal on coarse predictions, L1 + focal on refined ones, centerness BCE.

    Coarse terms are normalised by the number of positive priors N,
    refined ones by the number of priors positive for the refined
    classification (PN), both at least 1. The defaults are the THUMOS14
    loss (§5.5); the published ActivityNet loss (§8.5) is
    ``refined_piou='adaptive', refined_loc_loss='smooth_l1',
    normalization='per_sample'``.

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
        refined_piou: 'fixed' uses ``piou``; 'adaptive' uses min(``piou``,
            the clip's best coarse IoU among its positive priors), so that
            every clip with a positive has a refined positive. Defaults to
            'fixed'.
        refined_loc_loss: 'l1' or 'smooth_l1' (beta 1) on the refinement
            offsets. Defaults to 'l1'.
        normalization: 'batch' sums over the batch and divides by the
            batch's counts; 'per_sample' normalises each clip by its own
            counts and averages over clips. Defaults to 'batch'.
    """

    def __init__(self, piou: float = 0.5, loc_weight: float = 10.0, conf_weight: float = 1.0,
                 detach_center_target: bool = False, refined_piou: str = 'fixed',
                 refined_loc_loss: str = 'l1', normalization: str = 'batch') -> None:
        super().__init__()
        for name, value, allowed in (('refined_piou', refined_piou, REFINED_PIOU_RULES),
                                     ('refined_loc_loss', refined_loc_loss, REFINED_LOC_LOSSES),
                                     ('normalization', normalization, NORMALIZATIONS)):
            if value not in allowed:
                raise ValueError(f'{name} must be one of {allowed}, got {value!r}')
        self.piou = piou
        self.loc_weight = loc_weight
        self.conf_weight = conf_weight
        self.detach_center_target = detach_center_target
        self.refined_piou = refined_piou
        self.refined_loc_loss = refined_loc_loss
        self.normalization = normalization

    def refined_targets(self, pre: Tensor, loc_t: Tensor, conf_t: Tensor) -> Tensor:
        """[B, K] refined classification targets: ``conf_t`` where the coarse IoU is enough."""
        iou = distance_iou(pre, loc_t)
        threshold = torch.full_like(iou[:, :1], self.piou)
        if self.refined_piou == 'adaptive':
            best = torch.where(conf_t != BACKGROUND, iou, torch.full_like(iou, -1.0)).amax(
                -1, keepdim=True)
            # A clip without positives keeps piou (the published code compares with 2.0).
            threshold = torch.where(best >= 0, torch.minimum(threshold, best), threshold)
        return torch.where(iou >= threshold, conf_t, torch.full_like(conf_t, BACKGROUND))

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
            prop_conf_t = self.refined_targets(pre, loc_t, conf_t)
            prop_loc_t = (loc_t - pre) / (0.5 * pre.sum(-1, keepdim=True))
        pos = conf_t != BACKGROUND
        prop_pos = prop_conf_t != BACKGROUND
        num_pos, num_prop_pos = pos.sum(-1), prop_pos.sum(-1)
        zero = loc.new_zeros(())

        def norm(terms: Tensor, counts: Tensor) -> Tensor:
            return normalised_sum(terms, counts, self.normalization)

        loss_loc = norm(torch.where(pos, 1.0 - distance_giou(loc, loc_t), zero), num_pos)
        loss_conf = norm(softmax_focal_loss(outputs['conf'], conf_t, reduction='none'), num_pos)
        if self.refined_loc_loss == 'l1':
            offsets = F.l1_loss(prop_loc, prop_loc_t, reduction='none').sum(-1)
        else:
            offsets = F.smooth_l1_loss(prop_loc, prop_loc_t, reduction='none', beta=1.0).sum(-1)
        loss_prop_loc = norm(torch.where(prop_pos, offsets, zero), num_prop_pos)
        loss_prop_conf = norm(
            softmax_focal_loss(outputs['prop_conf'], prop_conf_t, reduction='none'),
            num_prop_pos)

        refined = loc + 0.5 * loc.sum(-1, keepdim=True) * prop_loc
        center_t = distance_iou(refined, loc_t).clamp(min=0)
        if self.detach_center_target:
            center_t = center_t.detach()
        bce = F.binary_cross_entropy_with_logits(outputs['center'].squeeze(-1), center_t,
                                                 reduction='none')
        loss_center = norm(torch.where(pos, bce, zero), num_pos)
        return dict(loss_loc=self.loc_weight * loss_loc,
                    loss_conf=self.conf_weight * loss_conf,
                    loss_prop_loc=self.loc_weight * loss_prop_loc,
                    loss_prop_conf=self.conf_weight * loss_prop_conf,
                    loss_center=self.conf_weight * loss_center)
