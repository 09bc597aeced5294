"""Running a detector's network at test time as its ``test_cfg`` says."""
from contextlib import AbstractContextManager, nullcontext

import torch
from torch import Tensor, nn

from .memory_format import CHANNELS_LAST, use_channels_last, use_default_layout

# ``autocast_dtype``: 'bfloat16' runs the network under autocast (decoding stays float32);
# ``compile``: run it through ``torch.compile`` (True, or a dict of its arguments, e.g.
# dict(backend='aot_eager')); ``channels_last``: run the backbone on channels-last-3d clips and
# weights (``memory_format.use_channels_last``): the same detections within float32 rounding
# (docs/performance.md), faster on CPUs and on GPUs' tensor cores.
TEST_CFG_DEFAULTS = dict(autocast_dtype=None, compile=False, channels_last=True)


def maybe_autocast(device_type: str, dtype: str | None) -> AbstractContextManager:
    """Autocast to ``dtype`` ('bfloat16', 'float16'), or nothing for None."""
    return torch.autocast(device_type, dtype=getattr(torch, dtype)) if dtype else nullcontext()


def test_time_call(module: nn.Module, name: str, inputs: Tensor, test_cfg: dict,
                   **kwargs) -> dict[str, Tensor]:
    """``module.<name>(inputs, **kwargs)`` under ``test_cfg``'s autocast, compiled (once, on
    first use) when ``test_cfg['compile']``, the backbone channels-last when
    ``test_cfg['channels_last']`` and ``inputs`` are clips [B, C, T, H, W]."""
    if inputs.dim() == 5 and test_cfg.get('channels_last'):
        use_channels_last(module)
        inputs = inputs.contiguous(memory_format=CHANNELS_LAST)
    elif inputs.dim() == 5:
        use_default_layout(module)
    forward = getattr(module, name)
    options = test_cfg.get('compile')
    if options:
        key = f'_compiled_{name}'
        if key not in module.__dict__:
            # Kept outside the module's submodules and state dict.
            module.__dict__[key] = torch.compile(
                forward, **(options if isinstance(options, dict) else {}))
        forward = module.__dict__[key]
    with maybe_autocast(inputs.device.type, test_cfg.get('autocast_dtype')):
        return forward(inputs, **kwargs)
