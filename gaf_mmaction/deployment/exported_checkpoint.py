"""A checkpoint's ONNX file: exported from it, and found again while it and the model config
stay the same (the video API's cache beside the checkpoint)."""
import copy
import hashlib
import json
from pathlib import Path

from mmengine.config import Config

from ..utils.errors import OutputPathError
from .onnx_export import META_SOURCE, export_onnx, exported_metadata

# Bumped when the files an export writes change, so that a cache from before is exported again:
# 2 adds the stem and trunk parts (``onnx_export.stem_part_files``).
EXPORT_FORMAT = 2


def source_digest(cfg: Config, checkpoint: str | None) -> str:
    """SHA-256 of the export format, the checkpoint file's bytes and the config's model
    section: an export of the same weights under the same model config by the same format
    has the same digest."""
    digest = hashlib.sha256(json.dumps(dict(format=EXPORT_FORMAT, model=cfg.model.to_dict()),
                                       sort_keys=True, default=str).encode())
    if checkpoint is not None:
        with open(checkpoint, 'rb') as f:
            for block in iter(lambda: f.read(1 << 24), b''):
                digest.update(block)
    return digest.hexdigest()


def exported_source(path: str | Path) -> str | None:
    """The ``source_digest`` stored in the ONNX file ``path`` (None if it has none)."""
    return exported_metadata(path).get(META_SOURCE)


def export_checkpoint(config: str | Path | Config, checkpoint: str | None,
                      out_file: str | Path, cfg_options: dict | None = None,
                      opset: int | None = None) -> tuple[str, ...]:
    """Export the detector of ``config`` with the weights of ``checkpoint`` (None: random,
    for trying the export) to ``out_file``; see :func:`export_onnx`."""
    from ..apis.inference import init_detector
    from ..tooling.benchmark import clip_shape

    model = init_detector(config, checkpoint, 'cpu', cfg_options)
    return export_onnx(model, out_file, clip_shape(model.cfg), model.cfg, model.dataset_meta,
                       opset, source_digest(model.cfg, checkpoint))


def checkpoint_onnx(config: str | Path | Config, checkpoint: str,
                    cfg_options: dict | None = None) -> Path:
    """The ONNX file of ``checkpoint`` beside it (its name with .onnx, as
    ``tools/deployment/export_onnx.py`` writes it by default), exported now unless the file
    there was exported from the same checkpoint and model config.

    Raises:
        OutputPathError: When the file cannot be written there.
    """
    path = Path(checkpoint).with_suffix('.onnx')
    cfg = config if isinstance(config, Config) else Config.fromfile(str(config))
    if cfg_options:
        cfg = copy.deepcopy(cfg)
        cfg.merge_from_dict(cfg_options)
    if path.is_file() and exported_source(path) == source_digest(cfg, checkpoint):
        return path
    try:
        export_checkpoint(cfg, checkpoint, path)
    except PermissionError as err:
        raise OutputPathError(
            f'Cannot write the ONNX Runtime model of {checkpoint} beside it ({err.strerror}): '
            'export it elsewhere with tools/deployment/export_onnx.py --out and pass that '
            'file, or run in PyTorch (runtime pytorch)') from None
    return path
