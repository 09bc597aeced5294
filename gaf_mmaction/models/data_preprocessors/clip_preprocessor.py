"""Moving uint8 clips to the device and normalising them there."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor
from torch import Tensor


@MODELS.register_module()
class ClipDataPreprocessor(BaseDataPreprocessor):
    """Stack uint8 clips, move them to the model's device and map [0, 255] to [-1, 1].

    Normalising after the transfer moves a quarter of the bytes of a float
    clip. The splice clips of the splice augmentation (``splice_inputs`` in the
    data samples) are normalised the same way.

    Args:
        train_pad_value: In training, frames past a window's
            ``valid_length`` are set to this value after normalisation. None
            keeps the loader's padding (whose uint8 0 becomes -1, the
            published THUMOS14 training padding). Defaults to None.
        test_pad_value: The same in testing: 0.0 for THUMOS14 as published
            (docs/published_code.md §11 Q10). Defaults to None.
        normalize: Map uint8 [0, 255] to [-1, 1]; False passes float inputs
            (pre-extracted features) through. Defaults to True.
    """

    def __init__(self, train_pad_value: float | None = None,
                 test_pad_value: float | None = None, normalize: bool = True) -> None:
        super().__init__()
        self.normalize_inputs = normalize
        self.train_pad_value = train_pad_value
        self.test_pad_value = test_pad_value

    @staticmethod
    def normalize(clips: Tensor) -> Tensor:
        """uint8 [..., C, T, H, W] in [0, 255] -> float32 in [-1, 1] (x / 255 * 2 - 1)."""
        return clips.float().div_(127.5).sub_(1.0)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Collated ``{'inputs': [C, T, H, W] uint8 list, 'data_samples': list}`` -> batch.

        Returns ``inputs`` [B, C, T, H, W] float32 on the device; data
        samples with ``splice_inputs`` get them normalised in place.
        """
        data = self.cast_data(data)
        inputs = data['inputs']
        if isinstance(inputs, Sequence):
            inputs = torch.stack(list(inputs))
        inputs = self.normalize(inputs) if self.normalize_inputs else inputs.float()
        samples = data.get('data_samples') or []
        pad_value = self.train_pad_value if training else self.test_pad_value
        if pad_value is not None:
            for clip, sample in zip(inputs, samples):
                clip[:, sample.metainfo.get('valid_length', clip.shape[1]):] = pad_value
        for sample in samples:
            if 'splice_inputs' in sample and self.normalize_inputs:
                sample.splice_inputs = self.normalize(sample.splice_inputs)
        return dict(inputs=inputs, data_samples=samples)
