"""Export of a detector's test-time network to ONNX: clips in, the raw outputs its head decodes
out. Decoding, merging and soft-NMS stay in PyTorch (the ``ExportedDetector`` runtimes reuse the
detector's own), so the exported graph is the network alone."""
import importlib
import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import torch
from mmengine.config import Config
from torch import Tensor, nn

from ..models.utils import use_default_layout
from ..utils.errors import UserError
from ..version import __version__

INPUT_NAME = 'clips'
# The stem part's output and the trunk part's input (see ``export_stem_parts``).
STEM_NAME = 'stem'
# What decoding reads (``task_modules.decode_outputs``): distances and their refinement, or a
# fusion's decoded segments; the class and centerness logits; the priors.
DECODED_KEYS = ('loc', 'prop_loc', 'segments', 'conf', 'prop_conf', 'center', 'priors')
# ONNX metadata keys: the clip shape [C, T, H, W], the checkpoint's dataset_meta (JSON), the
# config the network was built from, the exporting package's version.
META_CLIP_SHAPE = 'gaf_mmaction.clip_shape'
META_DATASET = 'gaf_mmaction.dataset_meta'
META_CONFIG = 'gaf_mmaction.config'
META_VERSION = 'gaf_mmaction.version'
# What the file was exported from: see ``source_digest``.
META_SOURCE = 'gaf_mmaction.source'
# The file names of the stem and trunk parts (see ``stem_part_files``).
STEM_SUFFIXES = ('.stem.onnx', '.trunk.onnx')


class MissingDeployDependency(UserError, ImportError):
    """An optional dependency of deployment (onnx, onnxscript, onnxruntime, openvino) is not
    installed."""


def import_deploy(name: str) -> ModuleType:
    """Import the deployment dependency ``name``, or say how to install it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise MissingDeployDependency(
            f"ONNX export, ONNX Runtime and OpenVINO need {name}, which is not installed: "
            "pip install -e '.[deploy]'") from None


def exported_metadata(path: str | Path) -> dict[str, str]:
    """The gaf_mmaction metadata of the ONNX file ``path`` (keys ``META_*``; those the file
    lacks are absent), read without running it."""
    onnx = import_deploy('onnx')
    proto = onnx.load(str(path), load_external_data=False)
    return {p.key: p.value for p in proto.metadata_props if p.key.startswith('gaf_mmaction.')}


@contextmanager
def plain_test_cfg(model: nn.Module) -> Iterator[None]:
    """``model.test_cfg`` without autocast, compilation or layout change for the block: the
    exported graph is the float32 network (ONNX has no memory layouts)."""
    saved = model.test_cfg
    model.test_cfg = dict(saved, autocast_dtype=None, compile=False, channels_last=False)
    try:
        yield
    finally:
        model.test_cfg = saved


@contextmanager
def quiet_exporter() -> Iterator[None]:
    """The exporter's info and warning lines (torchvision ops it skips) left out."""
    logger = logging.getLogger('torch.onnx')
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


class ExportedNetwork(nn.Module):
    """A detector's test-time network (``model.test_outputs``), or one of its two parts split
    at the backbone's stem, as a module of one input.

    Args:
        model: A detector with ``test_outputs`` (``GAFDetector``, ``GAFFusionDetector``).
        keys: The outputs to return, in this order.
        part: 'whole' (clips to ``keys``), 'stem' (clips to the stem's map, ``keys``
            unused) or 'trunk' (the stem's map to ``keys``). Defaults to 'whole'.
    """

    def __init__(self, model: nn.Module, keys: tuple[str, ...], part: str = 'whole') -> None:
        super().__init__()
        self.model = model
        self.keys = keys
        self.part = part

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """[B, C, T, H, W] normalised clips (or the stem's map, for 'trunk') -> the outputs
        named by ``keys`` (the stem's map, for 'stem')."""
        if self.part == 'stem':
            return (self.model.backbone.forward_stem(x), )
        if self.part == 'trunk':
            outputs = self.model.outputs_of(self.model.backbone.forward_after_stem(x))
        else:
            outputs = self.model.test_outputs(x)
        return tuple(outputs[key] for key in self.keys)


def stem_part_files(path: str | Path) -> tuple[Path, Path]:
    """The stem and trunk parts' files of the exported network ``path``: X.onnx ->
    (X.stem.onnx, X.trunk.onnx)."""
    path = Path(path)
    return tuple(path.with_suffix(suffix) for suffix in STEM_SUFFIXES)


def stem_scale(model: nn.Module) -> int | None:
    """Input frames per stem position of ``model``'s backbone, or None when the network does
    not split at a stem (a two-stream or feature-input detector, a backbone whose stem cannot
    be shared: ``stem_layers``)."""
    stem_layers = getattr(getattr(model, 'backbone', None), 'stem_layers', None)
    layers = stem_layers() if stem_layers is not None else None
    return math.prod(layer.stride for layer in layers) if layers else None


def decoded_keys(model: nn.Module, clips: Tensor) -> tuple[str, ...]:
    """The outputs of ``model.test_outputs(clips)`` that decoding reads, in DECODED_KEYS order."""
    with torch.no_grad(), plain_test_cfg(model):
        outputs = model.test_outputs(clips)
    return tuple(key for key in DECODED_KEYS if key in outputs)


def export_onnx(model: nn.Module, path: str | Path, clip_shape: tuple[int, int, int, int],
                cfg: Config | None = None, dataset_meta: dict | None = None,
                opset: int | None = None, source: str | None = None) -> tuple[str, ...]:
    """Write ``model``'s test-time network to ``path`` as ONNX, with a dynamic batch axis, and,
    where the backbone has a stem that consecutive windows can share (:func:`stem_scale`),
    the same network in two parts beside it (:func:`stem_part_files`): the stem (clips to
    its map, dynamic batch and frames) and the trunk (the stem's map to the outputs, dynamic
    batch), which the runtimes run to share the stem (``ExportedDetector``).

    Traced by ``torch.export`` (torch's dynamo exporter, through onnxscript) on a batch of
    two random clips, then optimised by onnxscript (constant folding: ONNX Runtime needs it
    for the convolutions without bias).

    Args:
        model: A detector in eval mode, on the CPU, with ``test_outputs``.
        path: The .onnx file to write (weights inside it).
        clip_shape: (channels, frames, height, width) of the model's clips.
        cfg: The config, stored in the files' metadata. Defaults to None.
        dataset_meta: The checkpoint's ``meta.dataset_meta`` (class names), stored likewise.
        opset: ONNX opset. Defaults to None: the exporter's.
        source: What the weights came from (``source_digest``), stored likewise.

    Returns:
        The output names, in order (also the graph's).
    """
    onnx = import_deploy('onnx')
    import_deploy('onnxscript')
    clips = torch.rand(2, *clip_shape) * 2 - 1
    use_default_layout(model)  # weights a test laid out channels-last: not while tracing
    keys = decoded_keys(model, clips)
    meta = {META_CLIP_SHAPE: json.dumps(list(clip_shape)),
            META_DATASET: json.dumps(dataset_meta or {}),
            META_VERSION: __version__}
    if cfg is not None:
        meta[META_CONFIG] = cfg.pretty_text
    if source is not None:
        meta[META_SOURCE] = source
    batch = torch.export.Dim('batch', min=1)
    graphs = [(path, 'whole', clips, INPUT_NAME, keys, {0: batch})]
    scale = stem_scale(model)
    if scale is not None:
        with torch.no_grad(), plain_test_cfg(model):
            maps = model.backbone.forward_stem(clips)
        # The stem runs on a window's front strip and tail too: any multiple of its scale.
        frames = scale * torch.export.Dim('stem_positions', min=1)
        stem_file, trunk_file = stem_part_files(path)
        graphs += [(stem_file, 'stem', clips, INPUT_NAME, (STEM_NAME, ), {0: batch, 2: frames}),
                   (trunk_file, 'trunk', maps, STEM_NAME, keys, {0: batch})]
    else:  # parts of an earlier export to the same path would not match this one
        for file in stem_part_files(path):
            file.unlink(missing_ok=True)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    for file, part, example, input_name, outputs, dynamic in graphs:
        with torch.no_grad(), plain_test_cfg(model), quiet_exporter():
            program = torch.onnx.export(
                ExportedNetwork(model, keys, part).eval(), (example, ), dynamo=True,
                input_names=[input_name], output_names=list(outputs),
                dynamic_shapes={'x': dynamic}, opset_version=opset, optimize=True,
                verbose=False)
        proto = program.model_proto
        for key, value in meta.items():
            proto.metadata_props.add(key=key, value=value)
        onnx.save(proto, str(file))
    return keys
