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


def attach_detections(outputs: dict[str, Tensor], data_samples: list, clip_length: int,
                      score_threshold: float) -> list:
    """Put each window's scored segments, in seconds of its video, into its data sample.

    A (prior, action class) pair becomes a detection when its score exceeds
    ``score_threshold``; its segment is shifted by the window's ``offset``
    and the step origin (``step_origin``, 0 when absent: snippet features whose
    step 0 shows a later time) and divided by ``fps`` (from the sample's metainfo).

    Returns:
        ``data_samples``, each with ``pred_instances``: ``segments`` [M, 2]
        seconds, ``scores`` [M], ``labels`` [M] (actions, >= ``FIRST_ACTION``), on the CPU; and the
        metainfo ``non_finite_outputs``, the window's count of non-finite
        scores and segments.
    """
    segments, scores = decode_outputs(outputs, clip_length)
    # Non-finite outputs never pass the threshold (or give NaN segments): count them, so
    # that the metric can report a broken model instead of a quiet mAP of 0.
    non_finite = ((~torch.isfinite(scores)).flatten(1).sum(1)
                  + (~torch.isfinite(segments)).any(-1).sum(1)).tolist()
    for b, sample in enumerate(data_samples):
        sample.set_metainfo(dict(non_finite_outputs=int(non_finite[b])))
        prior, action = (scores[b, :, FIRST_ACTION:] > score_threshold).nonzero(as_tuple=True)
        label = action + FIRST_ACTION
        origin = sample.metainfo['offset'] + sample.metainfo.get('step_origin', 0.0)
        seconds = (segments[b, prior] + origin) / sample.metainfo['fps']
        sample.pred_instances = InstanceData(
            segments=seconds.cpu(), scores=scores[b, prior, label].cpu(), labels=label.cpu())
    return data_samples
