"""What the detectors that run an exported network share: the file's metadata, the PyTorch
detector's decoding, stem sharing between consecutive windows, and the MMEngine model
interface (``ExportedDetector``)."""
import json
from abc import abstractmethod
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from ..models.backbones.stem_reuse import Place, StemSharing
from ..models.detectors.test_path import window_places
from ..models.utils import detector_test_cfg
from ..utils import ConfigMismatchError
from .onnx_export import (
    META_CLIP_SHAPE,
    META_DATASET,
    META_SOURCE,
    STEM_NAME,
    exported_metadata,
    stem_part_files,
)

# A loaded graph: its one input (contiguous float32) to its outputs by name, arrays the
# caller owns.
Graph = Callable[[np.ndarray], dict[str, np.ndarray]]


def decoding_model(detector: dict) -> torch.nn.Module:
    """The PyTorch detector of config ``detector`` without weights (built on the meta device,
    no checkpoint or pretrained backbone read): its decoding, not its network, is used."""
    cfg = dict(detector)
    for key in ('rgb_checkpoint', 'flow_checkpoint'):
        if key in cfg:
            cfg[key] = None
    if 'pretrained' in cfg.get('backbone', {}):
        cfg['backbone'] = dict(cfg['backbone'], pretrained=None)
    with torch.device('meta'):
        return MODELS.build(cfg)


class ExportedDetector(BaseModel):
    """Test a detector exported by ``tools/deployment/export_onnx.py`` in another runtime.

    The network (clips to raw outputs) runs in the runtime a subclass sets up
    (:meth:`load`); the data preprocessor and the decoding (``predict_by_outputs``) are the
    PyTorch detector's, so ``tools/test.py --backend ...`` and ``inference_detector`` give the
    PyTorch model's detections up to float32 rounding (a runtime's kernels sum in their own
    order).

    With the detector's ``test_cfg.share_stem`` (the default) and the export's stem and trunk
    parts beside ``onnx_file`` (``onnx_export.stem_part_files``), it runs the parts instead
    of the whole network, and consecutive windows of a video share the stem as in PyTorch
    (``models/backbones/stem_reuse.py``), within a batch and from one batch to the next.

    Args:
        onnx_file: The exported .onnx file.
        detector: Config of the PyTorch detector it was exported from.
        data_preprocessor: Defaults to None: the detector's.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, onnx_file: str, detector: dict, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor or detector.get('data_preprocessor'),
                         init_cfg=init_cfg)
        if not Path(onnx_file).is_file():
            raise FileNotFoundError(f'No ONNX file {onnx_file}: export one with '
                                    'tools/deployment/export_onnx.py CONFIG CHECKPOINT')
        self.onnx_file = str(onnx_file)
        meta = exported_metadata(onnx_file)
        self.clip_shape = tuple(json.loads(meta.get(META_CLIP_SHAPE, 'null')) or ())
        self.exported_dataset_meta = json.loads(meta.get(META_DATASET, '{}')) or None
        self.share_stem = detector_test_cfg(detector.get('test_cfg'))['share_stem']
        self.stem_files = self._stem_files(meta.get(META_SOURCE))
        self.stem_sharing = StemSharing()
        # Outside the submodules: its parameters are on the meta device and never move.
        self.__dict__['decoder'] = decoding_model(detector)

    def _stem_files(self, source: str | None) -> tuple[Path, Path] | None:
        """The export's stem and trunk parts when they are to be run: ``share_stem``, both
        present, exported with the whole file."""
        files = stem_part_files(self.onnx_file)
        if not self.share_stem or not all(file.is_file() for file in files):
            return None
        for file in files:
            if exported_metadata(file).get(META_SOURCE) != source:
                raise ConfigMismatchError(
                    f'{file} was not exported with {self.onnx_file}: export again with '
                    'tools/deployment/export_onnx.py, which writes both')
        return files

    def load_graphs(self) -> None:
        """Load the graphs the detector runs (:meth:`load`): the stem and trunk parts where
        ``stem_files`` says so, else the whole network. Subclasses call it once their
        runtime is set up."""
        if self.stem_files is None:
            self.graphs = dict(whole=self.load(self.onnx_file))
        else:
            self.graphs = dict(zip(('stem', 'trunk'), map(self.load, self.stem_files)))

    @abstractmethod
    def load(self, onnx_file: str | Path) -> Graph:
        """The graph of ``onnx_file`` in this runtime."""

    @property
    def input_channels(self) -> dict[str, int]:
        """The clips the exported detector takes, as its PyTorch detector declares them."""
        return getattr(self.decoder, 'input_channels', None) or {}

    def run(self, clips: np.ndarray, places: list[Place | None] | None = None
            ) -> dict[str, np.ndarray]:
        """The network's outputs by name for contiguous float32 clips [B, C, T, H, W]; with
        the stem parts loaded and the windows' ``places`` (:func:`window_places`), a window
        shares the stem with the previous window of its video
        (:class:`~gaf_mmaction.models.backbones.stem_reuse.StemSharing`)."""
        if 'whole' in self.graphs:
            return self.graphs['whole'](clips)
        stem = self.graphs['stem']

        def stem_maps(part: Tensor) -> Tensor:
            return torch.from_numpy(stem(np.ascontiguousarray(part.numpy()))[STEM_NAME])

        windows = torch.from_numpy(clips)
        maps = (stem_maps(windows) if places is None else self.stem_sharing(
            stem_maps, self.decoder.backbone.stem_stitch, windows, places))
        return self.graphs['trunk'](np.ascontiguousarray(maps.numpy()))

    def network_outputs(self, inputs: Tensor, places: list[Place | None] | None = None
                        ) -> dict[str, Tensor]:
        """The exported network's outputs (see ``ExportedNetwork``) for normalised clips
        [B, C, T, H, W], on the device of ``inputs`` (``places``: see :meth:`run`)."""
        if self.clip_shape and tuple(inputs.shape[1:]) != self.clip_shape:
            raise ConfigMismatchError(
                f'{self.onnx_file} was exported for clips {list(self.clip_shape)} (C, T, H, W) '
                f'but the data give {list(inputs.shape[1:])}: test it with the config it was '
                'exported from, or export it again from this one')
        clips = np.ascontiguousarray(inputs.detach().float().cpu().numpy())
        return {name: torch.from_numpy(value).to(inputs.device)
                for name, value in self.run(clips, places).items()}

    def forward(self, inputs: Tensor, data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor] | list:
        """'tensor': :meth:`network_outputs`; 'predict': the samples with their detections
        (consecutive windows sharing the stem, with the stem parts loaded)."""
        if mode == 'tensor':
            return self.network_outputs(inputs)
        if mode == 'predict':
            places = window_places(data_samples) if self.stem_files is not None else None
            return self.decoder.predict_by_outputs(self.network_outputs(inputs, places),
                                                   data_samples)
        raise ValueError(f"{type(self).__name__} is for testing: mode must be 'tensor' or "
                         f"'predict', got {mode!r}")

    def train(self, mode: bool = True) -> 'ExportedDetector':
        """Set the mode; the window kept for stem sharing is dropped, as PyTorch's backbone
        drops it."""
        super().train(mode)
        self.stem_sharing.clear()
        return self
