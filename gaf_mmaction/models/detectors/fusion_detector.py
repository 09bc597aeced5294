"""RGB + flow fusion at test time (docs/published_code.md §9 step 4, docs/activitynet.md)."""
import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor

from ...checkpoint.exact_load import load_checkpoint_exact
from ...structures import ATTENTION_PREFIX, CVAE_KEYS
from ..heads.base_temporal_head import HEAD_TEST_CFG
from ..task_modules import decode_segments
from ..utils import TEST_CFG_DEFAULTS
from .test_path import TestPathMixin

FUSED_KEYS = ('loc', 'prop_loc', 'conf', 'prop_conf', 'center')
BOUNDARY_FUSIONS = ('mean_outputs', 'geometric_mean')


@MODELS.register_module()
class GAFFusionDetector(TestPathMixin, BaseModel):
    """Fuse the outputs of an RGB and a flow detector, then decode.

    The class and centerness logits are averaged. Boundaries: THUMOS14
    averages the raw distances before decoding ('mean_outputs'); ActivityNet
    decodes each stream and takes the geometric mean of the start and end
    frames ('geometric_mean').

    As published, the flow stream runs without attention (plain AFSD on the
    raw backbone maps) even when its checkpoint holds attention weights,
    which are then left out. Inputs carry both streams on the channel axis:
    [B, C_rgb + C_flow, T, H, W].

    Args:
        rgb: Config of the RGB :class:`GAFDetector`.
        flow: Config of the flow :class:`GAFDetector`.
        clip_length: Frames per clip of both streams (their configs' are
            replaced). Defaults to None: the streams' own, which must agree.
        crop_size: Side of both streams' clips in pixels, likewise.
            Defaults to None: the streams' own.
        flow_in_channels: Input channels of the flow backbone. Defaults to 2.
        flow_attention: Keep the flow detector's attention. Defaults to
            False, as published.
        rgb_checkpoint: Checkpoint of the RGB detector. Defaults to None.
        flow_checkpoint: Checkpoint of the flow detector. Defaults to None.
        boundary_fusion: 'mean_outputs' (default) or 'geometric_mean'.
        test_cfg: ``score_threshold`` of a fused detection (default 0.01),
            ``autocast_dtype`` (default None), ``compile`` (default False) and
            ``channels_last`` (both backbones; default True), as ``GAFDetector``'s.
        data_preprocessor: Config of the data preprocessor. Defaults to None.
    """

    network = 'fused_outputs'

    def __init__(self, rgb: dict, flow: dict, clip_length: int | None = None,
                 crop_size: int | None = None, flow_in_channels: int = 2,
                 flow_attention: bool = False, rgb_checkpoint: str | None = None,
                 flow_checkpoint: str | None = None, boundary_fusion: str = 'mean_outputs',
                 test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if boundary_fusion not in BOUNDARY_FUSIONS:
            raise ValueError(f'boundary_fusion must be one of {BOUNDARY_FUSIONS}, got '
                             f'{boundary_fusion!r}')
        self.boundary_fusion = boundary_fusion
        sizes = {k: v for k, v in dict(clip_length=clip_length, crop_size=crop_size).items()
                 if v is not None}
        # The streams' preprocessors are replaced by this model's; weights come from checkpoints.
        rgb = dict(rgb, **sizes, data_preprocessor=None,
                   backbone=dict(rgb['backbone'], pretrained=None))
        flow = dict(flow, **sizes, data_preprocessor=None,
                    backbone=dict(flow['backbone'], in_channels=flow_in_channels, pretrained=None),
                    attention=flow.get('attention') if flow_attention else None)
        self.rgb = MODELS.build(rgb)
        self.flow = MODELS.build(flow)
        if self.rgb.clip_length != self.flow.clip_length:
            raise ValueError('The RGB and flow detectors must share clip_length, got '
                             f'{self.rgb.clip_length} and {self.flow.clip_length}')
        self.test_cfg = {**TEST_CFG_DEFAULTS, **HEAD_TEST_CFG, **(test_cfg or {})}
        if rgb_checkpoint:
            load_checkpoint_exact(self.rgb, rgb_checkpoint, allow_missing=(CVAE_KEYS, ))
        if flow_checkpoint:
            drop = (ATTENTION_PREFIX, ) if self.flow.attention is None else ()
            load_checkpoint_exact(self.flow, flow_checkpoint, drop_prefixes=drop,
                                  allow_missing=(CVAE_KEYS, ))

    @property
    def input_channels(self) -> dict[str, int]:
        """The clips this model takes: {config key: channels} of its streams in their order
        on the channel axis, RGB first."""
        return {'model.rgb.backbone.in_channels': self.rgb.backbone.in_channels,
                'model.flow_in_channels': self.flow.backbone.in_channels}

    def fused_outputs(self, inputs: Tensor, places: list | None = None) -> dict[str, Tensor]:
        """Element-wise mean of both streams' raw outputs (and the RGB priors); with
        'geometric_mean', also the fused ``segments`` [B, K, 2] (frames of the clip).

        Each stream runs as it runs alone in its mode (in eval mode, its attention's test
        normalisation); ``places``: see ``GAFDetector.extract_feat``."""
        rgb_channels = self.rgb.backbone.in_channels
        rgb, flow = (stream.forward_outputs(part, places)
                     for stream, part in ((self.rgb, inputs[:, :rgb_channels]),
                                          (self.flow, inputs[:, rgb_channels:])))
        fused = dict(rgb, **{k: (rgb[k] + flow[k]) / 2 for k in FUSED_KEYS})
        if self.boundary_fusion == 'geometric_mean':
            length = self.rgb.clip_length
            fused['segments'] = torch.sqrt(decode_segments(rgb, length)
                                           * decode_segments(flow, length))
        return fused

    def forward(self, inputs: Tensor, data_samples: list | None = None, mode: str = 'tensor'):
        """'tensor' returns the fused outputs, 'predict' the data samples with detections."""
        if mode == 'tensor':
            return self.fused_outputs(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"{type(self).__name__} is for testing: mode must be 'tensor' or "
                         f"'predict', got {mode!r}; train the two streams separately")

    def predict_by_outputs(self, outputs: dict[str, Tensor], data_samples: list) -> list:
        """``data_samples`` with the detections of fused ``outputs`` above the fusion's own
        ``score_threshold``, in seconds (the RGB head's decoding)."""
        return self.rgb.head.predict_by_outputs(outputs, data_samples,
                                                self.test_cfg['score_threshold'])
