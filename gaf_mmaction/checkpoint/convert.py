"""Convert published GAF checkpoint files into MMEngine checkpoints."""
from pathlib import Path

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import Tensor

from ..version import __version__
from .exact_load import read_state_dict
from .published import from_published


def model_shapes(config: str | Path) -> dict[str, torch.Size]:
    """Key -> shape of the state dict of the model a config builds.

    The model is built on the meta device, so no memory is allocated.
    """
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    return {k: v.shape for k, v in model.state_dict().items()}


def convert_published_checkpoint(detector_path: str | Path, config: str | Path,
                                 out_path: str | Path,
                                 cvae_path: str | Path | None = None) -> dict[str, Tensor]:
    """Convert published ``BDNet`` (+ optional ``CVAE``) files for ``config``'s model.

    Writes ``{'meta': ..., 'state_dict': ...}`` to ``out_path``, loadable
    by MMEngine's ``load_from`` / ``tools/test.py``.

    Raises:
        CheckpointMismatchError: Naming every key left over on either side.
    """
    detector = read_state_dict(detector_path)
    cvae = read_state_dict(cvae_path) if cvae_path is not None else None
    sources = ' + '.join(str(p) for p in (detector_path, cvae_path) if p is not None)
    state = from_published(detector, model_shapes(config), cvae, source=sources)
    meta = dict(converted_from=sources, config=str(config), gaf_mmaction_version=__version__,
                has_cvae=cvae is not None)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    torch.save(dict(meta=meta, state_dict=state), out_path)
    return state
