"""Packing windows into model inputs and data samples."""
import numpy as np
import torch
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.structures import InstanceData

from ...structures import DetectionDataSample

META_KEYS = ('video_name', 'filename', 'offset', 'num_frames', 'fps', 'duration',
             'valid_length', 'step_origin')


@TRANSFORMS.register_module()
class PackDetectionInputs(BaseTransform):
    """Pack a window for :class:`GAFDetector`.

    ``inputs`` is the uint8 clip [C, T, H, W] (normalised later, on the
    device, by the data preprocessor). The data sample (a
    :class:`DetectionDataSample`, which the data loader can pin) holds the metainfo
    ``META_KEYS`` and, when present, ``gt_instances`` (``segments`` [N, 2]
    normalised by the clip's length T, ``labels`` [N]), ``gt_boundaries``
    [2, T] and the splice clip ``splice_inputs`` with ``splice_segments`` [3, 2]
    (frames) and ``splice_valid``.

    Args:
        input_keys: Clips concatenated on channels into ``inputs``, e.g.
            ('imgs', 'flow_imgs') for RGB + flow fusion. Defaults to ('imgs',).
    """

    def __init__(self, input_keys: tuple[str, ...] = ('imgs', )) -> None:
        self.input_keys = tuple(input_keys)

    def transform(self, results: dict) -> dict:
        sample = DetectionDataSample()
        sample.set_metainfo({k: results[k] for k in META_KEYS if k in results})
        clips = [results[k] for k in self.input_keys]
        if 'gt_annotations' in results:
            annos = np.asarray(results['gt_annotations'], dtype=np.float32).reshape(-1, 3)
            sample.gt_instances = InstanceData(
                segments=torch.from_numpy(annos[:, :2] / clips[0].shape[1]),
                labels=torch.from_numpy(annos[:, 2]).long())
        if 'gt_boundaries' in results:
            sample.set_data(dict(gt_boundaries=torch.from_numpy(
                np.asarray(results['gt_boundaries'], dtype=np.float32))))
        if 'splice_imgs' in results:
            sample.set_data(dict(splice_inputs=torch.from_numpy(results['splice_imgs']),
                                 splice_segments=torch.from_numpy(results['splice_segments'])))
            sample.set_metainfo(dict(splice_valid=bool(results['splice_valid'])))
        inputs = clips[0] if len(clips) == 1 else np.concatenate(clips, axis=0)
        return dict(inputs=torch.from_numpy(inputs), data_samples=sample)
