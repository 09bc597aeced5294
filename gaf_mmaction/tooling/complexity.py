"""Parameters and FLOPs of a GAF detector, part by part, and the disk a training run's
checkpoints take (``tools/analysis/get_flops.py``)."""
from collections.abc import Callable

from mmengine.analysis import parameter_count
from torch import Tensor, nn
from torch.utils.flop_counter import FlopCounterMode

from ..structures import ATTENTION_PREFIX, CVAE_PREFIX
from ..structures.two_pass import PASSES

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


# Tensors an optimizer keeps per parameter between steps, each the parameter's size: torch's
# Adam and AdamW exp_avg and exp_avg_sq (and max_exp_avg_sq with amsgrad), SGD its momentum
# buffer. Their 0-d step counters (bytes) are left out.
STATE_TENSORS = {'Adam': 2, 'AdamW': 2, 'SGD': 1}


def state_tensors(optimizer: dict) -> int:
    """Tensors of a parameter's size that the ``optimizer`` config's optimizer keeps for it."""
    kind = optimizer['type'] if isinstance(optimizer['type'], str) else optimizer['type'].__name__
    if kind not in STATE_TENSORS:
        raise ValueError(f'No state size known for optimizer {kind}; known: {sorted(STATE_TENSORS)}')
    if kind == 'SGD':
        return int(bool(optimizer.get('momentum', 0)))
    return STATE_TENSORS[kind] + bool(optimizer.get('amsgrad', False))


def checkpoint_bytes(model: nn.Module, optim_wrapper: dict) -> dict[str, int]:
    """Bytes of a training checkpoint of ``model``: ``weights`` (its state dict: parameters and
    buffers) and ``optimizer`` (every optimizer's state), without pickling overhead.

    Args:
        model: The model, on any device ('meta' too: only sizes are read).
        optim_wrapper: The config's ``optim_wrapper``: one per pass of a two-pass model
            (``GAFOptimWrapperConstructor``: its 'detector' and 'cvae' keys), else one
            optimizer for every parameter that requires gradients.
    """
    weights = sum(t.numel() * t.element_size() for t in model.state_dict().values())
    if optim_wrapper.get('constructor') == 'GAFOptimWrapperConstructor':
        groups = [(model.pass_parameters(name), optim_wrapper[name]['optimizer'])
                  for name in PASSES]
    else:
        groups = [(list(model.named_parameters()), optim_wrapper['optimizer'])]
    optimizer = sum(state_tensors(cfg) * p.numel() * p.element_size()
                    for params, cfg in groups for _, p in params if p.requires_grad)
    return dict(weights=weights, optimizer=optimizer)


def retained_checkpoints(checkpoint_hook: dict, epochs: int) -> tuple[int, int]:
    """How many checkpoint files of a run MMEngine's ``CheckpointHook`` config keeps at the end,
    and at most while it writes one.

    It saves every ``interval`` epochs, then removes the oldest beyond ``max_keep_ckpts``
    (-1: none); with ``save_best`` it also keeps the best one, removing the former best before
    writing a new one.
    """
    saved = epochs // checkpoint_hook.get('interval', 1)
    keep = checkpoint_hook.get('max_keep_ckpts', -1)
    kept = saved if keep < 0 else min(keep, saved)
    best = int(bool(checkpoint_hook.get('save_best')))
    return kept + best, min(kept + 1, saved) + best
