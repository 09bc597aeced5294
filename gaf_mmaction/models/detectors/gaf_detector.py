"""The GAF detector: backbone, generative attention, pyramid neck and AFSD head."""
from collections import OrderedDict
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...utils import ConfigMismatchError
from ..attention import CVAE_PREFIX
from ..utils import TEST_CFG_DEFAULTS, test_time_call

TRAIN_PHASES = ('cvae', 'detector')
SPLICE_MODES = ('first', 'all')
RECON_TARGETS = ('aliased', 'raw')


def _sized(cfg: dict, name: str, clip_length: int) -> dict:
    """``cfg`` with the detector's clip length; a different one stated in it is an error."""
    if cfg.get('clip_length', clip_length) != clip_length:
        raise ValueError(f'model.{name}.clip_length={cfg["clip_length"]} differs from '
                         f'model.clip_length={clip_length}: state the clip length once, in '
                         'model.clip_length')
    return dict(cfg, clip_length=clip_length)


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


def host_index(rows: list[int], device: torch.device) -> Tensor | slice:
    """Rows to index a device tensor with, without waiting for the device.

    A list index is copied to the device from pageable memory, which waits for
    the work queued before it; consecutive rows are a slice instead, others a
    pinned, asynchronous copy.
    """
    if rows == list(range(rows[0], rows[-1] + 1)):
        return slice(rows[0], rows[-1] + 1)
    index = torch.tensor(rows)
    if device.type == 'cuda':
        index = index.pin_memory()
    return index.to(device, non_blocking=True)


@MODELS.register_module()
class GAFDetector(BaseModel):
    """Temporal action detector of GAF (an AFSD detector with generative attention).

    A clip goes through the backbone; the attention module weights its maps
    into foreground features, which the neck turns into a temporal pyramid
    and the head into per-prior predictions (the foreground path,
    docs/published_code.md §3.5). The head owns the detection, boundary and
    background losses, the attention module the CVAE and reconstruction
    losses; this class composes them.

    Training alternates two phases (set by the train loop through
    :meth:`set_train_state`): 'cvae' trains the CVAEs to reconstruct the
    backbone maps from the attention (§5.4); 'detector' trains everything
    else (§5.10).

    Args:
        backbone: Config of the backbone; returns the maps the neck takes.
        neck: Config of the pyramid neck.
        head: Config of the detection head.
        attention: Config of the generative attention module, or None for a
            plain AFSD detector (the published fusion's flow branch).
        clip_length: Frames per clip, given to attention, neck and head.
            Defaults to 256.
        loss_triplet: Config of the splice clips' triplet loss. Defaults to
            ``BoundaryTripletLoss``.
        with_splice: Train with the splice clips and triplet loss (§5.7;
            the published code calls them "ssl"). Defaults to True.
        splice_mode: 'first' applies the triplet loss to the first clip of
            the batch when its splice succeeded (published, fixed for
            batches >1, §11 Q7); 'all' to every clip whose splice succeeded.
        recon_target: 'aliased' reproduces the published target of the
            reconstruction loss, the bg features (or the splice clips' fg
            features when the triplet loss ran) through an aliasing bug
            (§11 Q2); 'raw' uses the backbone maps, detached, as intended.
        test_cfg: ``score_threshold`` above which a (prior, class) pair of a
            window becomes a detection (the published ``conf_thresh``, 0.01);
            ``autocast_dtype``: 'bfloat16' runs the network under autocast
            (decoding stays float32), None (default) in float32; ``compile``:
            run the network through ``torch.compile`` (default False).
        data_preprocessor: Config of the data preprocessor. Defaults to None.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, attention: dict | None = None,
                 clip_length: int = 256, loss_triplet: dict | None = None,
                 with_splice: bool = True, splice_mode: str = 'first',
                 recon_target: str = 'aliased',
                 test_cfg: dict | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        for name, value, allowed in (('splice_mode', splice_mode, SPLICE_MODES),
                                     ('recon_target', recon_target, RECON_TARGETS)):
            if value not in allowed:
                raise ValueError(f'{name} must be one of {allowed}, got {value!r}')
        self.clip_length = clip_length
        self.backbone = MODELS.build(backbone)
        self.attention = (MODELS.build(_sized(attention, 'attention', clip_length))
                          if attention is not None else None)
        self.neck = MODELS.build(_sized(neck, 'neck', clip_length))
        self.head = MODELS.build(_sized(head, 'head', clip_length))
        self.loss_triplet = MODELS.build(loss_triplet or dict(type='BoundaryTripletLoss'))
        self.with_splice = with_splice
        self.splice_mode = splice_mode
        self.recon_target = recon_target
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
        """``data_samples`` with their windows' detections (``AFSDHead.predict``), in seconds.

        Each window's attention is normalised over that window alone: the
        published test (one window per batch) at any batch size. Per-video
        merging and soft-NMS follow in ``TemporalDetectionMetric``.
        """
        norm = None
        if self.attention is not None and self.attention.norm == 'batch_sum':
            norm = 'per_sample'
        outputs = test_time_call(self, 'forward_outputs', inputs, self.test_cfg, norm=norm)
        return self.head.predict(outputs, data_samples, self.test_cfg['score_threshold'])

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
            The losses, and the clip's :meth:`forward_features` parts; with a
            triplet loss, ``splice`` holds the splice clips (``inputs``) and
            their ``atts`` (the distiller reads both).
        """
        parts = self.forward_features(inputs)
        losses = self.head.loss(self.head(parts['levels'], parts['frame_feat']), data_samples)
        if self.attention is None:
            return losses, parts
        losses.update(self.head.background_loss(self.neck(parts['bg'])[0]))
        recon_target = parts['bg']
        if self.recon_target == 'raw':
            recon_target = [f.detach() for f in parts['feats']]
        splice = self._splice_loss(data_samples, losses)
        if splice is not None:
            parts['splice'] = splice
            if self.recon_target == 'aliased':
                recon_target = splice['fg']
        losses['loss_recon'] = self.attention.reconstruction_loss(parts['atts'], recon_target,
                                                                  self.epoch)
        return losses, parts

    def _splice_loss(self, data_samples: Sequence, losses: dict[str, Tensor]) -> dict | None:
        """Add ``loss_triplet`` when splice clips qualify; return their parts.

        All splice clips of the batch go through the network, as published
        (the batch-sum attention normalisation couples them); the loss uses
        the first one ('first') or every successful one ('all').
        """
        if not self.with_splice or 'splice_inputs' not in data_samples[0]:
            return None
        valid = [bool(s.metainfo.get('splice_valid', False)) for s in data_samples]
        rows = ([0] if valid[0] else []) if self.splice_mode == 'first' else [
            i for i, ok in enumerate(valid) if ok]
        if not rows:
            return None
        clips = self.data_preprocessor.splice_batch(data_samples)
        parts = self.forward_features(clips)
        # Pooled for every clip, then the rows picked: the published order of computation
        # (running the convolutions on the picked rows alone rounds differently).
        triplets = self.head.splice_triplets(
            parts['levels'], parts['frame_feat'],
            torch.stack([s.splice_segments for s in data_samples]))
        index = host_index(rows, clips.device)
        losses['loss_triplet'] = self.loss_triplet(
            *([feat[index] for feat in features] for features in triplets))
        return dict(inputs=clips, atts=parts['atts'], fg=parts['fg'])

    def parse_losses(self, losses: dict[str, Tensor]) -> tuple[Tensor, dict[str, Tensor]]:
        """Sum the losses; log names carry the phase (``cvae/...``, ``det/...``)."""
        loss, log_vars = super().parse_losses(losses)
        prefix = 'cvae' if self.train_phase == 'cvae' else 'det'
        return loss, OrderedDict((f'{prefix}/{k}', v) for k, v in log_vars.items())
