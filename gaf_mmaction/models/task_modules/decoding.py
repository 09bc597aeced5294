"""From head outputs to scored segments (docs/published_code.md §9 steps 5-6)."""
import torch
from mmengine.structures import InstanceData
from torch import Tensor

from ...structures import FIRST_ACTION


def decode_outputs(outputs: dict[str, Tensor], clip_length: int) -> tuple[Tensor, Tensor]:
    """Refined segments and fused class scores of every prior.

    The coarse distances are refined by ``prop_loc`` in units of half the
    coarse length, turned into [start, end] frames around each prior and
    clamped to the clip; a class score is the mean of the coarse and refined
    softmax probabilities times the sigmoid centerness.

    Args:
        outputs: ``loc``, ``prop_loc`` [B, K, 2], ``conf``, ``prop_conf``
            [B, K, C], ``center`` [B, K, 1], ``priors`` [K, 1]; or, instead of
            ``loc`` and ``prop_loc``, already decoded ``segments`` [B, K, 2]
            (frames of the clip, e.g. fused from two streams).
        clip_length: Frames per clip.

    Returns:
        ``segments`` [B, K, 2] in frames of the clip, ``scores`` [B, K, C].
    """
    probs = (outputs['conf'].float().softmax(-1) + outputs['prop_conf'].float().softmax(-1)) / 2
    scores = probs * outputs['center'].float().sigmoid()
    if 'segments' in outputs:
        return outputs['segments'].float(), scores
    return decode_segments(outputs, clip_length), scores


def decode_segments(outputs: dict[str, Tensor], clip_length: int) -> Tensor:
    """[B, K, 2] refined segments (frames of the clip, clamped to it) of ``decode_outputs``."""
    loc = outputs['loc'].float()
    loc = loc + 0.5 * loc.sum(-1, keepdim=True) * outputs['prop_loc'].float()
    centre = outputs['priors'][:, 0].float() * clip_length
    segments = torch.stack([centre - loc[..., 0], centre + loc[..., 1]], dim=-1)
    return segments.clamp(0, clip_length)


def window_detections(outputs: dict[str, Tensor], clip_length: int,
                      score_threshold: float) -> list[InstanceData]:
    """Each window's scored segments above ``score_threshold``, in frames of the window.

    A (prior, action class) pair becomes a detection when its score exceeds
    ``score_threshold``.

    Returns:
        Per window: ``segments`` [M, 2] frames of the window, ``scores`` [M],
        ``labels`` [M] (actions, >= ``FIRST_ACTION``), on the outputs' device;
        the metainfo ``non_finite_outputs`` counts the window's non-finite
        scores and segments.
    """
    segments, scores = decode_outputs(outputs, clip_length)
    # Non-finite outputs never pass the threshold (or give NaN segments): count them, so
    # that the metric can report a broken model instead of a quiet mAP of 0.
    non_finite = ((~torch.isfinite(scores)).flatten(1).sum(1)
                  + (~torch.isfinite(segments)).any(-1).sum(1)).tolist()
    windows = []
    for b in range(len(scores)):
        prior, action = (scores[b, :, FIRST_ACTION:] > score_threshold).nonzero(as_tuple=True)
        label = action + FIRST_ACTION
        windows.append(InstanceData(metainfo=dict(non_finite_outputs=int(non_finite[b])),
                                    segments=segments[b, prior], scores=scores[b, prior, label],
                                    labels=label))
    return windows
