"""What the detectors that run an exported network share: the file's metadata, the PyTorch
detector's decoding, and the MMEngine model interface (``ExportedDetector``)."""
import json
from abc import abstractmethod
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from ..utils import ConfigMismatchError
from .onnx_export import META_CLIP_SHAPE, META_DATASET, exported_metadata


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
    (:meth:`run`); the data preprocessor and the decoding (``predict_by_outputs``) are the
    PyTorch detector's, so ``tools/test.py --backend ...`` and ``inference_detector`` give the
    PyTorch model's detections up to float32 rounding (a runtime's kernels sum in their own
    order).

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
        # Outside the submodules: its parameters are on the meta device and never move.
        self.__dict__['decoder'] = decoding_model(detector)

    @property
    def input_channels(self) -> dict[str, int]:
        """The clips the exported detector takes, as its PyTorch detector declares them."""
        return getattr(self.decoder, 'input_channels', None) or {}

    @abstractmethod
    def run(self, clips: np.ndarray) -> dict[str, np.ndarray]:
        """The exported graph's outputs by name for contiguous float32 clips [B, C, T, H, W];
        arrays the caller owns."""

    def network_outputs(self, inputs: Tensor) -> dict[str, Tensor]:
        """The exported network's outputs (see ``ExportedNetwork``) for normalised clips
        [B, C, T, H, W], on the device of ``inputs``."""
        if self.clip_shape and tuple(inputs.shape[1:]) != self.clip_shape:
            raise ConfigMismatchError(
                f'{self.onnx_file} was exported for clips {list(self.clip_shape)} (C, T, H, W) '
                f'but the data give {list(inputs.shape[1:])}: test it with the config it was '
                'exported from, or export it again from this one')
        clips = np.ascontiguousarray(inputs.detach().float().cpu().numpy())
        return {name: torch.from_numpy(value).to(inputs.device)
                for name, value in self.run(clips).items()}

    def forward(self, inputs: Tensor, data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor] | list:
        """'tensor': :meth:`network_outputs`; 'predict': the samples with their detections."""
        if mode == 'tensor':
            return self.network_outputs(inputs)
        if mode == 'predict':
            return self.decoder.predict_by_outputs(self.network_outputs(inputs), data_samples)
        raise ValueError(f"{type(self).__name__} is for testing: mode must be 'tensor' or "
                         f"'predict', got {mode!r}")
