"""The GAF detector: backbone, generative attention, pyramid neck and AFSD head."""
from collections import OrderedDict
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...structures import CVAE_PREFIX
from ...structures.two_pass import CVAE_PASS, DETECTOR_PASS, LOG_PREFIXES, check_pass
from ..heads import BaseTemporalHead
from ..utils import build_sized_parts, detector_test_cfg
from .test_path import Place, TestPathMixin

# The splice clips' loss, as published (§5.7): the first clip's, x0.1.
DEFAULT_SPLICE = dict(type='SpliceTripletLoss')


@MODELS.register_module()
class GAFDetector(TestPathMixin, BaseModel):
    """Temporal action detector of GAF (an AFSD detector with generative attention).

    The backbone's maps are weighted by the attention into foreground
    features, which the neck turns into a pyramid and the head into
    detections (docs/published_code.md §3.5). This class composes; the head
    (a :class:`BaseTemporalHead`) owns its losses, decoding and conversion to
    seconds, the attention its CVAE losses and its normalisation (by its own
    mode), the splice component which splice clips count. ``clip_length`` and
    ``crop_size`` are stated once, here, and filled into the parts
    (:func:`~gaf_mmaction.models.utils.feature_sizes`). Training alternates
    the passes of :mod:`gaf_mmaction.structures.two_pass`
    (:meth:`set_train_state`): 'cvae' (§5.4) and 'detector' (§5.10).

    Args:
        backbone, neck, head: Configs of the parts (the head a
            :class:`BaseTemporalHead`).
        attention: Config of the generative attention, or None for a plain
            AFSD detector (the published fusion's flow branch).
        clip_length: Frames per clip. Defaults to 256.
        crop_size: Side of the clips in pixels. Defaults to 96.
        splice: Config of the splice clips' loss (§5.7, the published "ssl");
            None trains without. Defaults to ``SpliceTripletLoss``.
        with_background: With attention, train the head on the background
            features too (``loss_bg``, §5.10). Defaults to True.
        test_cfg: ``autocast_dtype`` ('bfloat16' predicts under autocast,
            decoding in float32; default None), ``compile`` (the feature path
            through ``torch.compile``; default False), ``channels_last`` (the
            backbone channels-last-3d; default True, the same detections within
            float32 rounding) and ``share_stem`` (consecutive windows of a batch
            share the backbone's stem where they overlap; default True, the
            same detections within float32 rounding).
        data_preprocessor, init_cfg: As MMEngine's ``BaseModel``.
    """

    network = 'forward_outputs'

    def __init__(self, backbone: dict, neck: dict, head: dict, attention: dict | None = None,
                 clip_length: int = 256, crop_size: int | None = 96,
                 splice: dict | None = DEFAULT_SPLICE,
                 with_background: bool = True, test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.clip_length = clip_length
        self.crop_size = crop_size
        self.backbone, self.attention, self.neck, self.head = build_sized_parts(
            backbone, attention, neck, head, clip_length, crop_size)
        if not isinstance(self.head, BaseTemporalHead):
            raise TypeError(f'model.head must be a BaseTemporalHead, got {type(self.head)}')
        self.splice = MODELS.build(dict(splice)) if splice is not None else None
        self.with_background = with_background and self.attention is not None
        if self.splice is not None:
            self.head.require('splice_features', 'model.splice=None')
        if self.with_background:
            self.head.require('background_loss', 'model.with_background=False')
        self.test_cfg = detector_test_cfg(test_cfg)
        self.train_pass = DETECTOR_PASS
        self.epoch = 1

    @property
    def input_channels(self) -> dict[str, int]:
        """The clips this model takes: {config key: channels} of each input stream, in their
        order on the channel axis (3 RGB, 2 optical flow, C features); {} when the backbone
        does not say."""
        channels = getattr(self.backbone, 'in_channels', None)
        return {} if channels is None else {'model.backbone.in_channels': channels}

    def set_train_state(self, pass_name: str, epoch: int) -> None:
        """Select the training pass ('cvae' or 'detector') and the 1-based epoch."""
        if check_pass(pass_name) == CVAE_PASS and self.attention is None:
            raise ValueError('A detector without attention has no CVAE to train')
        self.train_pass = pass_name
        self.epoch = epoch

    def pass_parameters(self, pass_name: str) -> list[tuple[str, nn.Parameter]]:
        """(name, parameter) of what a pass trains: 'cvae' the attention's CVAEs,
        'detector' every other parameter that requires gradients."""
        cvae = check_pass(pass_name) == CVAE_PASS
        return [(name, param) for name, param in self.named_parameters()
                if param.requires_grad and name.startswith(CVAE_PREFIX) is cvae]

    def extract_feat(self, inputs: Tensor,
                     places: Sequence[Place | None] | None = None) -> tuple[Tensor, ...]:
        """Backbone maps (e.g. Mixed_4f [B, 832, T/4, H/16, W/16] and Mixed_5c [B, 1024, T/8,
        H/32, W/32]) of clips [B, C, clip_length, H, W] normalised to [-1, 1]; with the
        windows' ``places`` (:func:`window_places`), a backbone that can
        (``forward_windows``) shares its stem between consecutive windows of a video."""
        if inputs.dim() != 5 or inputs.shape[2] != self.clip_length:
            raise ValueError(
                f'{type(self).__name__} expects clips [B, C, {self.clip_length}, H, W] '
                f'(model.clip_length from the config), got {tuple(inputs.shape)}')
        if places is None or not hasattr(self.backbone, 'forward_windows'):
            return self.backbone(inputs)
        return self.backbone.forward_windows(inputs, places)

    def forward_features(self, inputs: Tensor,
                         places: Sequence[Place | None] | None = None) -> dict:
        """The foreground path's parts (:meth:`features_of`) of clips (``places``: see
        :meth:`extract_feat`)."""
        return self.features_of(self.extract_feat(inputs, places))

    def features_of(self, feats: tuple[Tensor, ...]) -> dict:
        """The foreground path's ``feats`` (the backbone maps given), ``atts`` ([B, C_i, T_i]
        per map; None without attention), ``fg``, ``bg`` (weighted maps; ``feats`` and None
        without), ``levels`` ([B, C, t_l]) and ``frame_feat`` [B, C, clip_length]."""
        atts, fg, bg = None, feats, None
        if self.attention is not None:
            atts = self.attention(feats)
            fg, bg = self.attention.split(feats, atts)
        levels, frame_feat = self.neck(fg)
        return dict(feats=feats, atts=atts, fg=fg, bg=bg, levels=levels, frame_feat=frame_feat)

    def forward_outputs(self, inputs: Tensor,
                        places: Sequence[Place | None] | None = None) -> dict[str, Tensor]:
        """The head's raw outputs on the foreground path (see ``AFSDHead.forward``;
        ``places``: see :meth:`extract_feat`)."""
        return self.outputs_of(self.extract_feat(inputs, places))

    def outputs_of(self, feats: tuple[Tensor, ...]) -> dict[str, Tensor]:
        """:meth:`forward_outputs` from the backbone maps ``feats``: an exported network
        split at the backbone's stem ends here (``deployment.onnx_export``)."""
        parts = self.features_of(feats)
        return self.head(parts['levels'], parts['frame_feat'])

    def forward(self, inputs: Tensor, data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor] | list:
        """'tensor': :meth:`forward_outputs`; 'loss': :meth:`loss`; 'predict': :meth:`predict`
        (``inputs``: clips [B, C, clip_length, H, W] normalised to [-1, 1])."""
        if mode == 'tensor':
            return self.forward_outputs(inputs)
        if mode not in ('loss', 'predict'):
            raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got {mode!r}")
        return getattr(self, mode)(inputs, data_samples)

    def predict_by_outputs(self, outputs: dict[str, Tensor], data_samples: list) -> list:
        """``data_samples`` with the head's detections (in seconds) of raw ``outputs``."""
        return self.head.predict_by_outputs(outputs, data_samples)

    def loss(self, inputs: Tensor, data_samples: Sequence) -> dict[str, Tensor]:
        """Losses of the current pass (see :meth:`set_train_state`)."""
        if self.train_pass == CVAE_PASS:
            return self.cvae_losses(inputs)[0]
        return self.detector_losses(inputs, data_samples)[0]

    def cvae_losses(self, inputs: Tensor) -> tuple[dict[str, Tensor], dict]:
        """CVAE pass (§5.4): ``loss_cvae_<i>`` per map, and ``feats``, ``atts`` and
        ``cvae_outputs`` ((mean, log_var, z, recon) per map) of the frozen detector."""
        with torch.no_grad():
            feats = self.extract_feat(inputs)
            atts = self.attention(feats)
        outputs = self.attention.encode_decode(feats, atts)
        return (self.attention.cvae_loss(feats, atts, outputs),
                dict(feats=feats, atts=atts, cvae_outputs=outputs))

    def detector_losses(self, inputs: Tensor,
                        data_samples: Sequence) -> tuple[dict[str, Tensor], dict]:
        """Detector pass (§5.10), the CVAEs taking part untrained: the losses, and the clip's
        :meth:`forward_features` parts, with ``splice``: the splice clips (``inputs``) and
        their ``atts`` when some count, else None (the distiller reads both)."""
        parts = self.forward_features(inputs)
        losses = self.head.loss((parts['levels'], parts['frame_feat']), data_samples)
        if self.attention is None:
            return losses, parts
        if self.with_background:
            losses.update(self.head.background_loss(self.neck(parts['bg'])[0]))
        splice = parts['splice'] = self._splice_loss(data_samples, losses)
        target = self.attention.reconstruction_target(parts['feats'], parts['bg'],
                                                      splice['fg'] if splice else None)
        losses['loss_recon'] = self.attention.reconstruction_loss(parts['atts'], target,
                                                                  self.epoch)
        return losses, parts

    def _splice_loss(self, data_samples: Sequence, losses: dict[str, Tensor]) -> dict | None:
        """Add ``loss_triplet`` when splice clips count (``splice.rows``); return their parts.
        All splice clips of the batch go through the network, as published (the batch-sum
        normalisation couples them); the loss uses the rows that count."""
        rows = (self.splice.rows(data_samples) if self.splice is not None
                and 'splice_inputs' in data_samples[0] else None)
        if not rows:
            return None
        clips = self.data_preprocessor.splice_batch(data_samples)
        parts = self.forward_features(clips)
        # Pooled for every clip, then the rows picked: the published order of computation
        # (running the convolutions on the picked rows alone rounds differently).
        triplets = self.head.splice_features(
            parts['levels'], parts['frame_feat'],
            torch.stack([s.splice_segments for s in data_samples]))
        losses['loss_triplet'] = self.splice(*triplets, rows)
        return dict(inputs=clips, atts=parts['atts'], fg=parts['fg'])

    def parse_losses(self, losses: dict[str, Tensor]) -> tuple[Tensor, dict[str, Tensor]]:
        """Sum the losses; log names carry the pass's prefix (``cvae/...``, ``det/...``)."""
        loss, log_vars = super().parse_losses(losses)
        return loss, OrderedDict((LOG_PREFIXES[self.train_pass] + k, v)
                                 for k, v in log_vars.items())
