"""Moving uint8 clips to the device and normalising them there."""
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseDataPreprocessor
from mmengine.structures import BaseDataElement
from torch import Tensor

# Data-sample fields left on the host by ``forward``: only the pass that uses them moves them
# (:meth:`ClipDataPreprocessor.splice_batch`).
HOST_FIELDS = ('splice_inputs', )


@MODELS.register_module()
class ClipDataPreprocessor(BaseDataPreprocessor):
    """Stack uint8 clips, move them to the model's device and map [0, 255] to [-1, 1].

    Normalising after the transfer moves a quarter of the bytes of a float
    clip. Copies are asynchronous (``non_blocking``): from pinned memory,
    which the data loader's ``pin_memory=True`` gives the clips and
    (:class:`~gaf_mmaction.structures.DetectionDataSample`) the targets,
    they do not wait for the device. The splice clips of the splice
    augmentation (``splice_inputs``) stay on the host until
    :meth:`splice_batch` is called by the pass that uses them.

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
        super().__init__(non_blocking=True)
        self.normalize_inputs = normalize
        self.train_pad_value = train_pad_value
        self.test_pad_value = test_pad_value

    @staticmethod
    def normalize(clips: Tensor) -> Tensor:
        """uint8 [..., C, T, H, W] in [0, 255] -> float32 in [-1, 1] (x / 255 * 2 - 1)."""
        return clips.float().div_(127.5).sub_(1.0)

    def _to_device(self, element: BaseDataElement) -> BaseDataElement:
        """``element`` on the device, but for its ``HOST_FIELDS``."""
        moved = element.new()
        for key, value in element.items():
            if key not in HOST_FIELDS and hasattr(value, 'to'):
                moved.set_data({key: value.to(self.device, non_blocking=self._non_blocking)})
        return moved

    def forward(self, data: dict, training: bool = False) -> dict:
        """Collated ``{'inputs': [C, T, H, W] uint8 list, 'data_samples': list}`` -> batch.

        Returns ``inputs`` [B, C, T, H, W] float32 on the device and the data
        samples, their tensors on the device but for ``splice_inputs``.
        """
        inputs = data['inputs']
        if isinstance(inputs, Sequence):
            inputs = torch.stack([self.cast_data(clip) for clip in inputs])
        else:
            inputs = self.cast_data(inputs)
        inputs = self.normalize(inputs) if self.normalize_inputs else inputs.float()
        samples = [self._to_device(s) for s in data.get('data_samples') or []]
        pad_value = self.train_pad_value if training else self.test_pad_value
        if pad_value is not None:
            for clip, sample in zip(inputs, samples):
                clip[:, sample.metainfo.get('valid_length', clip.shape[1]):] = pad_value
        return dict(inputs=inputs, data_samples=samples)

    def splice_batch(self, data_samples: Sequence) -> Tensor:
        """The samples' splice clips, [B, C, T, H, W], on the device and normalised as the
        clips are."""
        clips = torch.stack([self.cast_data(s.splice_inputs) for s in data_samples])
        return self.normalize(clips) if self.normalize_inputs else clips.float()
