"""Running a detector's network at test time as its ``test_cfg`` says."""
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext

import torch
from torch import nn

from ...utils import ConfigMismatchError

# ``autocast_dtype``: 'bfloat16' runs the network under autocast (decoding stays float32);
# ``compile``: run the network's feature path through ``torch.compile`` (True, or a dict of its
# arguments, e.g. dict(backend='aot_eager')).
TEST_CFG_DEFAULTS = dict(autocast_dtype=None, compile=False)


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
