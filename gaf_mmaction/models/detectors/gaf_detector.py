"""The GAF detector: backbone, generative attention, pyramid neck and AFSD head."""
from collections import OrderedDict
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...structures import CVAE_PREFIX
from ...utils import ConfigMismatchError
from ..heads import BaseTemporalHead
from ..utils import TEST_CFG_DEFAULTS, test_time_call

TRAIN_PHASES = ('cvae', 'detector')
# The splice clips' loss, as published (§5.7): the first clip's, x0.1.
DEFAULT_SPLICE = dict(type='SpliceTripletLoss')


def _filled(cfg: dict, name: str, source: str, **values) -> dict:
    """``cfg`` with ``values``; a different value stated in it is an error naming both."""
    for key, value in values.items():
        stated = cfg.get(key, value)
        same = (tuple(stated) == tuple(value) if isinstance(value, tuple | list)
                and isinstance(stated, tuple | list) else stated == value)
        if not same:
            raise ConfigMismatchError(
                f'model.{name}.{key}={stated} differs from {value}, which {source} gives: '
                f'leave model.{name}.{key} out of the config (it is filled in)')
    return dict(cfg, **values)


def check_channels(inputs: Tensor, expected: int | None, data_samples: Sequence | None,
                   key: str) -> None:
    """Refuse clips of another channel count than the model's, naming a file and the keys.

    Raises:
        ConfigMismatchError: When ``inputs`` [B, C, ...] has C != ``expected`` (None: any).
    """
    if expected is None or inputs.dim() < 2 or inputs.shape[1] == expected:
        return
    sample = data_samples[0].metainfo if data_samples else {}
    source = (f"{sample['filename']} (video {sample.get('video_name', '?')})"
              if 'filename' in sample else 'the data')
    kinds = {3: 'RGB', 2: 'optical-flow', 5: 'RGB + flow'}
    raise ConfigMismatchError(
        f'The model takes {expected}-channel ({kinds.get(expected, "other")}) clips '
        f'({key}={expected}) but {source} has {inputs.shape[1]} channels per frame: point the '
        'dataset at the frames the model takes (data_prefix, and channels=dict(video=2) for '
        f'flow) or use a config of {inputs.shape[1]}-channel frames')


@MODELS.register_module()
class GAFDetector(BaseModel):
    """Temporal action detector of GAF (an AFSD detector with generative attention).

    A clip goes through the backbone; the attention module weights its maps
    into foreground features, which the neck turns into a temporal pyramid
    and the head into per-prior predictions (the foreground path,
    docs/published_code.md §3.5). The head (a :class:`BaseTemporalHead`)
    owns its detection and background losses and its decoding; the attention
    module owns the CVAE and reconstruction losses and its normalisation
    policy; the splice component (``splice``) owns which splice clips count
    and their triplet loss. This class composes them.

    The sizes are stated once, here: ``clip_length`` and ``crop_size`` (and
    the backbone's maps, :class:`~gaf_mmaction.models.backbones.FeatureMap`)
    give the attention and the neck their channels, strides and spatial
    sizes and the head its channels and clip length; a config leaves those
    out (a different value stated there is an error).

    Training alternates two phases (set by the train loop through
    :meth:`set_train_state`): 'cvae' trains the CVAEs to reconstruct the
    backbone maps from the attention (§5.4); 'detector' trains everything
    else (§5.10).

    Args:
        backbone: Config of the backbone; returns the maps the neck takes.
        neck: Config of the pyramid neck.
        head: Config of the detection head (a :class:`BaseTemporalHead`).
        attention: Config of the generative attention module, or None for a
            plain AFSD detector (the published fusion's flow branch).
        clip_length: Frames per clip. Defaults to 256.
        crop_size: Side of the clips in pixels, which sizes the attention's
            and neck's spatial reductions. Defaults to 96.
        splice: Config of the splice clips' loss (``SpliceTripletLoss``,
            §5.7; the published code calls them "ssl"); None trains without
            splice clips. Defaults to ``SpliceTripletLoss``.
        with_background: With attention, train the head on the background
            features too (``loss_bg``, §5.10). Defaults to True.
        test_cfg: ``autocast_dtype``: 'bfloat16' runs the network under
            autocast (decoding stays float32), None (default) in float32;
            ``compile``: run the network through ``torch.compile`` (default
            False); ``channels_last``: the backbone on channels-last-3d clips
            and weights (default True; the same detections within float32
            rounding). The score threshold of a detection is the head's.
        data_preprocessor: Config of the data preprocessor. Defaults to None.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, attention: dict | None = None,
                 clip_length: int = 256, crop_size: int | None = 96,
                 splice: dict | None = DEFAULT_SPLICE,
                 with_background: bool = True, test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.clip_length = clip_length
        self.crop_size = crop_size
        self.backbone = MODELS.build(backbone)
        sizes, source = {}, 'model.clip_length'
        maps = getattr(self.backbone, 'output_maps', None)
        if maps is not None:
            sizes = dict(in_channels=tuple(m.channels for m in maps),
                         spatial_sizes=tuple(m.spatial_size(crop_size) for m in maps))
            source = f'{type(self.backbone).__name__} with model.crop_size and clip_length'
        self.attention = None
        if attention is not None:
            strides = dict(temporal_strides=tuple(m.temporal_stride for m in maps)) if (
                maps is not None) else {}
            self.attention = MODELS.build(_filled(attention, 'attention', source,
                                                  clip_length=clip_length, **sizes, **strides))
        self.neck = MODELS.build(_filled(neck, 'neck', source, clip_length=clip_length,
                                         **sizes))
        self.head = MODELS.build(_filled(head, 'head', 'model.neck and clip_length',
                                         clip_length=clip_length,
                                         in_channels=self.neck.out_channels))
        if not isinstance(self.head, BaseTemporalHead):
            raise TypeError(f'model.head must be a BaseTemporalHead, got {type(self.head)}')
        self.splice = MODELS.build(dict(splice)) if splice is not None else None
        self.with_background = with_background and self.attention is not None
        for needed, capability, key in ((self.splice is not None, 'splice_features',
                                         'model.splice=None'),
                                        (self.with_background, 'background_loss',
                                         'model.with_background=False')):
            if needed and not self.head.has(capability):
                raise ConfigMismatchError(
                    f'{type(self.head).__name__} has no {capability}, which the detector uses: '
                    f'set {key}, or give the head that capability')
        if 'score_threshold' in (test_cfg or {}):
            raise ConfigMismatchError(
                'model.test_cfg.score_threshold: the score threshold is the head\'s, '
                'set model.head.test_cfg.score_threshold instead')
        self.test_cfg = {**TEST_CFG_DEFAULTS, **(test_cfg or {})}
        self.train_phase = 'detector'
        self.epoch = 1

    def set_train_state(self, phase: str, epoch: int) -> None:
        """Select the training phase ('cvae' or 'detector') and the 1-based epoch."""
        if phase not in TRAIN_PHASES:
            raise ValueError(f'phase must be one of {TRAIN_PHASES}, got {phase!r}')
        if phase == 'cvae' and self.attention is None:
            raise ValueError('A detector without attention has no CVAE to train')
        self.train_phase = phase
        self.epoch = epoch

    def phase_parameters(self, phase: str) -> list[tuple[str, nn.Parameter]]:
        """(name, parameter) of what ``phase`` trains: 'cvae' the attention's CVAEs,
        'detector' every other parameter that requires gradients."""
        if phase not in TRAIN_PHASES:
            raise ValueError(f'phase must be one of {TRAIN_PHASES}, got {phase!r}')
        return [(name, param) for name, param in self.named_parameters()
                if param.requires_grad and name.startswith(CVAE_PREFIX) is (phase == 'cvae')]

    def extract_feat(self, inputs: Tensor) -> tuple[Tensor, ...]:
        """Backbone maps of a clip batch.

        Args:
            inputs: [B, C, clip_length, H, W] clips normalised to [-1, 1].

        Returns:
            The backbone's maps, e.g. Mixed_4f [B, 832, T/4, H/16, W/16] and
            Mixed_5c [B, 1024, T/8, H/32, W/32].
        """
        if inputs.dim() != 5 or inputs.shape[2] != self.clip_length:
            raise ValueError(
                f'{type(self).__name__} expects clips [B, C, {self.clip_length}, H, W] '
                f'(model.clip_length from the config), got {tuple(inputs.shape)}')
        return self.backbone(inputs)

    def forward_features(self, inputs: Tensor, norm: str | None = None) -> dict:
        """Every intermediate of the foreground path, for the losses and for other models.

        Args:
            inputs: [B, C, clip_length, H, W] clips normalised to [-1, 1].
            norm: Overrides the attention's fg/bg normalisation.

        Returns:
            ``feats`` (backbone maps), ``atts`` (attention per map, [B, C_i,
            T_i]), ``fg`` and ``bg`` (the weighted maps), ``levels`` (the
            pyramid of ``fg``, [B, C, t_l]) and ``frame_feat`` [B, C,
            clip_length]. Without attention ``atts`` and ``bg`` are None and
            ``fg`` is ``feats``.
        """
        feats = self.extract_feat(inputs)
        atts, fg, bg = None, feats, None
        if self.attention is not None:
            atts = self.attention(feats)
            fg, bg = self.attention.split(feats, atts, norm)
        levels, frame_feat = self.neck(fg)
        return dict(feats=feats, atts=atts, fg=fg, bg=bg, levels=levels, frame_feat=frame_feat)

    def forward_outputs(self, inputs: Tensor, norm: str | None = None) -> dict[str, Tensor]:
        """The head's outputs on the foreground path (see ``AFSDHead.forward``)."""
        parts = self.forward_features(inputs, norm)
        return self.head(parts['levels'], parts['frame_feat'])

    def test_outputs(self, inputs: Tensor) -> dict[str, Tensor]:
        """The head's outputs at test time: the attention's test normalisation
        (``GenerativeAttention.test_norm``), ``test_cfg``'s autocast and compilation."""
        norm = self.attention.test_norm if self.attention is not None else None
        return test_time_call(self, 'forward_outputs', inputs, self.test_cfg, norm=norm)

    def forward(self, inputs: Tensor, data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor] | list:
        """'tensor': :meth:`forward_outputs`; 'loss': :meth:`loss`; 'predict': :meth:`predict`.

        ``inputs`` are [B, C, clip_length, H, W] clips normalised to [-1, 1].
        """
        if mode == 'tensor':
            return self.forward_outputs(inputs)
        check_channels(inputs, getattr(self.backbone, 'in_channels', None), data_samples,
                       'model.backbone.in_channels')
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got {mode!r}")

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """``data_samples`` with their windows' detections (the head's
        ``predict_by_feat``), in seconds. Per-video merging and soft-NMS follow in
        ``TemporalDetectionMetric``."""
        return self.predict_by_outputs(self.test_outputs(inputs), data_samples)

    def predict_by_outputs(self, outputs: dict[str, Tensor], data_samples: list) -> list:
        """``data_samples`` with the detections of :meth:`test_outputs`' ``outputs`` (also
        those of an exported network, ``deployment.ONNXRuntimeDetector``)."""
        return self.head.predict_by_feat(outputs, data_samples)

    def loss(self, inputs: Tensor, data_samples: Sequence) -> dict[str, Tensor]:
        """Losses of the current phase (see :meth:`set_train_state`); ``NonFiniteLossHook``
        checks them once the step is done."""
        if self.train_phase == 'cvae':
            return self.cvae_losses(inputs)[0]
        return self.detector_losses(inputs, data_samples)[0]

    def cvae_losses(self, inputs: Tensor) -> tuple[dict[str, Tensor], dict]:
        """CVAE pass (§5.4): the frozen detector's maps and attention, reconstructed.

        Returns:
            ``loss_cvae_<i>`` per backbone map, and the pass's ``feats``,
            ``atts`` and ``cvae_outputs`` ((mean, log_var, z, recon) per map).
        """
        with torch.no_grad():
            feats = self.extract_feat(inputs)
            atts = self.attention(feats)
        outputs = self.attention.encode_decode(feats, atts)
        return (self.attention.cvae_loss(feats, atts, outputs),
                dict(feats=feats, atts=atts, cvae_outputs=outputs))

    def detector_losses(self, inputs: Tensor,
                        data_samples: Sequence) -> tuple[dict[str, Tensor], dict]:
        """Detector pass (§5.10); the CVAEs take part without being trained.

        Returns:
            The losses, and the clip's :meth:`forward_features` parts; with
            splice clips that count, ``splice`` holds them (``inputs``) and
            their ``atts`` (the distiller reads both).
        """
        parts = self.forward_features(inputs)
        losses = self.head.loss((parts['levels'], parts['frame_feat']), data_samples)
        if self.attention is None:
            return losses, parts
        if self.with_background:
            losses.update(self.head.background_loss(self.neck(parts['bg'])[0]))
        splice = self._splice_loss(data_samples, losses)
        if splice is not None:
            parts['splice'] = splice
        target = self.attention.reconstruction_target(parts['feats'], parts['bg'],
                                                      splice['fg'] if splice else None)
        losses['loss_recon'] = self.attention.reconstruction_loss(parts['atts'], target,
                                                                  self.epoch)
        return losses, parts

    def _splice_loss(self, data_samples: Sequence, losses: dict[str, Tensor]) -> dict | None:
        """Add ``loss_triplet`` when splice clips count (``splice.rows``); return their parts.

        All splice clips of the batch go through the network, as published
        (the batch-sum attention normalisation couples them); the loss uses
        the rows that count.
        """
        if self.splice is None or 'splice_inputs' not in data_samples[0]:
            return None
        rows = self.splice.rows(data_samples)
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
        """Sum the losses; log names carry the phase (``cvae/...``, ``det/...``)."""
        loss, log_vars = super().parse_losses(losses)
        prefix = 'cvae' if self.train_phase == 'cvae' else 'det'
        return loss, OrderedDict((f'{prefix}/{k}', v) for k, v in log_vars.items())
