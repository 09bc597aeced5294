"""Running a detector's network at test time as its ``test_cfg`` says."""
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import torch
from torch import Tensor, nn

from ...utils import ConfigMismatchError
from .memory_format import CHANNELS_LAST, use_channels_last, use_default_layout

# ``autocast_dtype``: 'bfloat16' runs the network under autocast (decoding stays float32);
# ``compile``: run the network's feature path through ``torch.compile`` (True, or a dict of its
# arguments, e.g. dict(backend='aot_eager')); ``channels_last``: run the backbone on
# channels-last-3d clips and weights (:mod:`.memory_format`): the same detections within float32
# rounding (docs/performance.md), faster on CPUs and on GPUs' tensor cores; ``share_stem``:
# consecutive windows of a batch share the backbone's stem where they overlap
# (models/backbones/stem_reuse.py), in PyTorch and in an exported network's runtime: the same
# detections within float32 rounding, with fewer multiply-adds (docs/performance.md).
TEST_CFG_DEFAULTS = dict(autocast_dtype=None, compile=False, channels_last=True,
                         share_stem=True)


def detector_test_cfg(test_cfg: dict | None) -> dict:
    """A detector's ``test_cfg`` with :data:`TEST_CFG_DEFAULTS` filled in.

    Raises:
        ConfigMismatchError: For a ``score_threshold``, which is the head's.
    """
    if 'score_threshold' in (test_cfg or {}):
        raise ConfigMismatchError('model.test_cfg.score_threshold: the score threshold is '
                                  "the head's, set model.head.test_cfg.score_threshold")
    return {**TEST_CFG_DEFAULTS, **(test_cfg or {})}


def maybe_autocast(device_type: str, dtype: str | None) -> AbstractContextManager:
    """Autocast to ``dtype`` ('bfloat16', 'float16'), or nothing for None."""
    return torch.autocast(device_type, dtype=getattr(torch, dtype)) if dtype else nullcontext()


def maybe_compiled(module: nn.Module, name: str, options: bool | dict) -> Callable:
    """``module.<name>``, compiled by ``torch.compile`` (once, on first use) when ``options``
    (True, or a dict of ``torch.compile``'s arguments)."""
    method = getattr(module, name)
    if not options:
        return method
    key = f'_compiled_{name}'
    if key not in module.__dict__:
        # Kept outside the module's submodules and state dict.
        module.__dict__[key] = torch.compile(method, **(options if isinstance(options, dict)
                                                        else {}))
    return module.__dict__[key]


def test_time_forward(module: nn.Module, name: str, test_cfg: dict) -> Callable:
    """``module.<name>`` as ``test_cfg`` runs it: compiled when ``compile``
    (:func:`maybe_compiled`); on clips [B, C, T, H, W], the backbones channels-last when
    ``channels_last`` (weights laid out once, :func:`.memory_format.use_channels_last`), else
    in the default layout. The caller holds the autocast."""
    forward = maybe_compiled(module, name, test_cfg['compile'])

    def run(inputs: Tensor, places: list | None = None) -> object:
        if inputs.dim() == 5 and test_cfg['channels_last']:
            use_channels_last(module)
            inputs = inputs.contiguous(memory_format=CHANNELS_LAST)
        elif inputs.dim() == 5:
            use_default_layout(module)
        return forward(inputs) if places is None else forward(inputs, places)
    return run
