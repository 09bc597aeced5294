"""Assigning ground-truth segments to priors, a whole batch at once (docs/published_code.md §5.5)."""
from collections.abc import Sequence

import torch
from mmaction.registry import TASK_UTILS
from torch import Tensor
from torch.nn.utils.rnn import pad_sequence

from ...structures import BACKGROUND


def pad_targets(segments: Sequence[Tensor], labels: Sequence[Tensor]) -> tuple[Tensor, Tensor]:
    """Per-clip targets -> padded [B, N, 2] segments and [B, N] labels (-1 = padding).

    N is the largest count in the batch (at least 1), known on the host
    from the list lengths, so padding needs no device synchronisation.
    """
    if all(len(s) == 0 for s in segments):
        device = segments[0].device
        return (torch.zeros(len(segments), 1, 2, device=device),
                torch.full((len(segments), 1), -1, dtype=torch.long, device=device))
    return (pad_sequence(list(segments), batch_first=True),
            pad_sequence(list(labels), batch_first=True, padding_value=-1))


def match_priors(priors: Tensor, segments: Tensor, labels: Tensor,
                 clip_length: int) -> tuple[Tensor, Tensor]:
    """Give every prior the shortest ground truth that contains its centre.

    Args:
        priors: [K] prior centres in [0, 1].
        segments: [B, N] x 2 (start, end) in [0, 1] (padded, see
            :func:`pad_targets`).
        labels: [B, N] class labels >= 1; -1 marks padding.
        clip_length: Frames per clip.

    Returns:
        ``loc_t`` [B, K, 2]: frames from each prior to its segment's start
        and end. ``conf_t`` [B, K]: its label, ``BACKGROUND`` if no segment
        contains the centre. Ties go to the first segment.
    """
    centre = priors.view(1, -1, 1)
    left = (centre - segments[:, None, :, 0]) * clip_length
    right = (segments[:, None, :, 1] - centre) * clip_length
    outside = (left < 0) | (right < 0) | (labels[:, None, :] < 0)
    area = torch.where(outside, torch.full_like(left, 2.0 * clip_length), left + right)
    best_area, best = area.min(-1)
    loc_t = torch.stack([left.gather(-1, best[..., None]).squeeze(-1),
                         right.gather(-1, best[..., None]).squeeze(-1)], dim=-1)
    conf_t = labels.gather(1, best)
    conf_t = torch.where(best_area >= 2.0 * clip_length, torch.full_like(conf_t, BACKGROUND),
                         conf_t)
    return loc_t, conf_t


@TASK_UTILS.register_module()
class CentreInSegmentMatcher:
    """AFSD's target assignment: each prior takes the shortest ground truth around its centre.

    A registered task module (``head.matcher``), so that a head can swap the rule and its
    losses stay functions of predictions and targets.
    """

    def __call__(self, priors: Tensor, segments: Sequence[Tensor], labels: Sequence[Tensor],
                 clip_length: int) -> tuple[Tensor, Tensor]:
        """Targets of every prior of a batch.

        Args:
            priors: [K] prior centres in [0, 1].
            segments: Per clip, [N_i, 2] (start, end) in [0, 1].
            labels: Per clip, [N_i] action labels.
            clip_length: Frames per clip.

        Returns:
            ``loc_t`` [B, K, 2] (frames) and ``conf_t`` [B, K], see :func:`match_priors`.
        """
        padded_segments, padded_labels = pad_targets(segments, labels)
        return match_priors(priors, padded_segments.to(priors), padded_labels, clip_length)
