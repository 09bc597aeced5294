"""One checkpoint for the RGB + flow fusion model, made from the two streams' checkpoints."""
from fnmatch import fnmatchcase
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from ..structures import CVAE_KEYS
from .safe_loading import trust_checkpoints


def fuse_checkpoints(config: str | Path, rgb: str | Path, flow: str | Path, out: str | Path,
                     trust_checkpoint: bool = False) -> int:
    """Write ``{'meta', 'state_dict'}`` for the fusion model of ``config``.

    The model loads ``rgb`` and ``flow`` exactly through its
    ``rgb_checkpoint`` / ``flow_checkpoint`` arguments (see
    :class:`GAFFusionDetector`), so a checkpoint of the wrong stream or
    architecture raises :class:`CheckpointMismatchError`.

    Returns:
        The number of tensors written.
    """
    if trust_checkpoint:
        trust_checkpoints()
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(config))
    model = MODELS.build(dict(cfg.model, rgb_checkpoint=str(rgb), flow_checkpoint=str(flow)))
    # Testing needs no CVAE; leaving it out keeps the fused file a third of the size.
    state = {k: v for k, v in model.state_dict().items() if not fnmatchcase(k, CVAE_KEYS)}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    torch.save(dict(meta=dict(rgb_checkpoint=str(rgb), flow_checkpoint=str(flow)),
                    state_dict=state), out)
    return len(state)
