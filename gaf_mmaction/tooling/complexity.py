"""Parameters and FLOPs of a GAF detector, part by part (``tools/analysis/get_flops.py``)."""
from collections.abc import Callable

from mmengine.analysis import parameter_count
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

from ..structures import ATTENTION_PREFIX, CVAE_PREFIX

# parameter_count's keys of the attention and its CVAEs (module names, without the dot).
ATTENTION, CVAE = ATTENTION_PREFIX.rstrip('.'), CVAE_PREFIX.rstrip('.')


def _flops(call: Callable[[], object]) -> tuple[int, object]:
    """FLOPs of ``call()`` as torch's FLOP counter counts them (two per multiply-add)."""
    with FlopCounterMode(display=False) as counter:
        out = call()
    return counter.get_total_flops(), out


def part_complexity(detector: nn.Module, clip: Tensor) -> list[dict]:
    """Per part of a :class:`GAFDetector` on one clip: ``part``, ``params`` and ``flops``.

    The parts run as at test time (the detector in eval mode, so the
    attention splits by its test normalisation; its mode is restored after);
    the attention's FLOPs hold its heads and the foreground/background split,
    the CVAE's the encoding and decoding of the training pass (not run at
    test time). Run on the 'meta' device, nothing is computed but the counts.

    Args:
        detector: The model (a distiller's student for a distiller).
        clip: [1, C, T, H, W] input clip (normalised values do not matter).
    """
    training = detector.training
    detector.eval()
    try:
        return _part_rows(detector, clip)
    finally:
        detector.train(training)


def _part_rows(detector: nn.Module, clip: Tensor) -> list[dict]:
    params = parameter_count(detector)
    rows = []
    flops, feats = _flops(lambda: detector.extract_feat(clip))
    rows.append(dict(part='backbone', params=params.get('backbone', 0), flops=flops))
    fg, atts = feats, None
    if detector.attention is not None:
        attention = detector.attention

        def attend() -> tuple[list[Tensor], list[Tensor]]:
            weights = attention(feats)
            return weights, attention.split(feats, weights)[0]

        flops, (atts, fg) = _flops(attend)
        rows.append(dict(part='attention', flops=flops, params=params.get(ATTENTION, 0)
                         - params.get(CVAE, 0)))
    flops, (levels, frame_feat) = _flops(lambda: detector.neck(fg))
    rows.append(dict(part='neck', params=params.get('neck', 0), flops=flops))
    flops, _ = _flops(lambda: detector.head(levels, frame_feat))
    rows.append(dict(part='head', params=params.get('head', 0), flops=flops))
    if atts is not None:
        flops, _ = _flops(lambda: detector.attention.encode_decode(feats, atts))
        rows.append(dict(part='cvae', params=params.get(CVAE, 0), flops=flops))
    return rows
