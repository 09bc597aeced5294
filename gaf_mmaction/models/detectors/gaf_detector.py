"""The GAF detector: backbone, generative attention, pyramid neck and AFSD heads."""
import logging
import math
from collections import OrderedDict
from collections.abc import Sequence

import torch
from mmaction.registry import MODELS
from mmengine.logging import print_log
from mmengine.model import BaseModel
from torch import Tensor

from ...ops import boundary_max_pool
from ..heads import segment_regions
from ..task_modules import attach_detections

TRAIN_PHASES = ('cvae', 'detector')
SSL_MODES = ('first', 'all')
RECON_TARGETS = ('aliased', 'raw')
NON_FINITE_POLICIES = ('stop', 'skip', 'ignore')


@MODELS.register_module()
class GAFDetector(BaseModel):
    """Temporal action detector of GAF (an AFSD detector with generative attention).

    A clip goes through the backbone; the attention module weights its maps
    into foreground features, which the neck turns into a temporal pyramid
    and the heads into per-prior predictions (the foreground path, docs/published_code.md §3.5).

    Training alternates two phases (set by the train loop through
    :meth:`set_train_state`): 'cvae' trains the CVAEs to reconstruct the
    backbone maps from the attention (§5.4); 'detector' trains everything
    else with the detection, boundary, background, triplet and
    reconstruction losses (§5.10).

    Args:
        backbone: Config of the backbone; returns the maps the neck takes.
        neck: Config of the pyramid neck.
        head: Config of the detection head.
        attention: Config of the generative attention module, or None for a
            plain AFSD detector (the published fusion's flow branch).
        loss_det: Config of the detection loss. Defaults to ``MultiSegmentLoss``.
        loss_boundary: Config of the boundary BCE. Defaults to ``BoundaryBCELoss``.
        loss_background: Config of the bg loss. Defaults to ``BackgroundLoss``.
        loss_triplet: Config of the SSL triplet loss. Defaults to
            ``BoundaryTripletLoss``.
        with_ssl: Train with the splice clips and triplet loss (§5.7).
            Defaults to True.
        loss_cvae: Config of the CVAE loss. Defaults to ``CVAELoss``.
        loss_recon: Config of the reconstruction loss. Defaults to
            ``ReconstructionLoss``.
        ssl_mode: 'first' applies the triplet loss to the first clip of the
            batch when its splice succeeded (published, fixed for batches
            >1, §11 Q7); 'all' to every clip whose splice succeeded.
        recon_target: 'aliased' reproduces the published target of the
            reconstruction loss, the bg features (or the splice clip's fg
            features when the triplet loss ran) through an aliasing bug
            (§11 Q2); 'raw' uses the backbone maps, detached, as intended.
        non_finite_loss: What a NaN or infinite loss does (checked at every
            step, one host synchronisation): 'stop' (default) raises
            ``FloatingPointError`` naming the loss terms, pass, epoch and the
            batch's windows; 'skip' logs the same as a warning and goes on;
            'ignore' does not check. Independently of this, the base
            schedule's :class:`SkipNonFiniteOptimWrapper` drops (and logs)
            every step whose gradients are non-finite - what a NaN loss
            usually gives; a plain ``OptimWrapper`` applies them.
        test_cfg: ``score_threshold`` above which a (prior, class) pair of a
            window becomes a detection. Defaults to ``dict(score_threshold=0.01)``
            (the published ``conf_thresh``).
        data_preprocessor: Config of the data preprocessor. Defaults to None.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, attention: dict | None = None,
                 loss_det: dict | None = None, loss_boundary: dict | None = None,
                 loss_background: dict | None = None,
                 loss_triplet: dict | None = None, with_ssl: bool = True,
                 loss_cvae: dict | None = None, loss_recon: dict | None = None,
                 ssl_mode: str = 'first', recon_target: str = 'aliased',
                 non_finite_loss: str = 'stop', test_cfg: dict | None = None,
                 data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if ssl_mode not in SSL_MODES:
            raise ValueError(f'ssl_mode must be one of {SSL_MODES}, got {ssl_mode!r}')
        if non_finite_loss not in NON_FINITE_POLICIES:
            raise ValueError(f'non_finite_loss must be one of {NON_FINITE_POLICIES}, '
                             f'got {non_finite_loss!r}')
        if recon_target not in RECON_TARGETS:
            raise ValueError(f'recon_target must be one of {RECON_TARGETS}, got {recon_target!r}')
        self.backbone = MODELS.build(backbone)
        self.attention = MODELS.build(attention) if attention is not None else None
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)
        self.loss_det = MODELS.build(loss_det or dict(type='MultiSegmentLoss'))
        self.loss_boundary = MODELS.build(loss_boundary or dict(type='BoundaryBCELoss'))
        self.loss_background = MODELS.build(loss_background or dict(type='BackgroundLoss'))
        self.loss_triplet = MODELS.build(loss_triplet or dict(type='BoundaryTripletLoss'))
        self.with_ssl = with_ssl
        self.loss_cvae = MODELS.build(loss_cvae or dict(type='CVAELoss'))
        self.loss_recon = MODELS.build(loss_recon or dict(type='ReconstructionLoss'))
        self.ssl_mode = ssl_mode
        self.recon_target = recon_target
        self.non_finite_loss = non_finite_loss
        self.test_cfg = {'score_threshold': 0.01, **(test_cfg or {})}
        self.train_phase = 'detector'
        self.epoch = 1

    @property
    def clip_length(self) -> int:
        """Frames per clip the head was built for."""
        return self.head.clip_length

    def set_train_state(self, phase: str, epoch: int) -> None:
        """Select the training phase ('cvae' or 'detector') and the 1-based epoch."""
        if phase not in TRAIN_PHASES:
            raise ValueError(f'phase must be one of {TRAIN_PHASES}, got {phase!r}')
        if phase == 'cvae' and self.attention is None:
            raise ValueError('A detector without attention has no CVAE to train')
        self.train_phase = phase
        self.epoch = epoch

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
                f'(clip_length from the config), got {tuple(inputs.shape)}')
        return self.backbone(inputs)

    def _forward(self, inputs: Tensor, data_samples: list | None = None,
                 norm: str | None = None) -> dict[str, Tensor]:
        """Foreground-path head outputs; see :meth:`AFSDHead.forward` for keys and shapes.

        ``norm`` overrides the attention's fg/bg normalisation.
        """
        feats = self.extract_feat(inputs)
        if self.attention is not None:
            feats, _ = self.attention.split(feats, self.attention(feats), norm)
        return self.head(*self.neck(feats))

    def forward(self, inputs: Tensor, data_samples: list | None = None,
                mode: str = 'tensor') -> dict[str, Tensor]:
        """Dispatch on ``mode``.

        Args:
            inputs: [B, C, clip_length, H, W] clips normalised to [-1, 1].
            data_samples: Annotations per clip (used by 'loss' and 'predict').
            mode: 'tensor' returns the raw head outputs of the foreground
                path: ``loc`` [B, K, 2], ``conf`` [B, K, num_classes],
                ``prop_loc``, ``prop_conf``, ``center`` [B, K, 1], ``priors``
                [K, 1] and the boundary features. 'loss' returns the losses
                of the current training phase. 'predict' returns the data
                samples with their window's detections (see :meth:`predict`).
        """
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise ValueError(f"mode must be 'tensor', 'loss' or 'predict', got {mode!r}")

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """Detections of a batch of windows, in seconds of their videos.

        Each window's attention is normalised over that window alone, which
        is the published test (one window per batch) for any batch size
        ('batch_sum' becomes 'per_sample'; the per-sample norms stay).
        Per-video merging and soft-NMS happen once all windows of a video
        are in (``TemporalDetectionMetric``).

        Returns:
            ``data_samples`` with ``pred_instances`` (``segments`` [M, 2]
            seconds, ``scores`` [M], ``labels`` [M]).
        """
        norm = None
        if self.attention is not None and self.attention.norm == 'batch_sum':
            norm = 'per_sample'
        return attach_detections(self._forward(inputs, norm=norm), data_samples,
                                 self.clip_length, self.test_cfg['score_threshold'])

    def loss(self, inputs: Tensor, data_samples: Sequence) -> dict[str, Tensor]:
        """Losses of the current phase (see :meth:`set_train_state`)."""
        if self.train_phase == 'cvae':
            losses = self.cvae_loss(inputs)
        else:
            losses = self.detector_loss(inputs, data_samples)
        self.check_losses(losses, data_samples)
        return losses

    def check_losses(self, losses: dict[str, Tensor], data_samples: Sequence) -> None:
        """Apply ``non_finite_loss``: raise or warn naming each NaN/inf term and the windows."""
        if self.non_finite_loss == 'ignore':
            return
        values = torch.stack([v.detach().float().sum() for v in losses.values()])
        if bool(torch.isfinite(values).all()):
            return
        bad = [k for k, v in zip(losses, values.tolist()) if not math.isfinite(v)]
        windows = [f"{s.metainfo.get('video_name', '?')}@{s.metainfo.get('offset', '?')}"
                   for s in data_samples or []]
        message = (f'Non-finite loss {bad} in the {self.train_phase} pass of epoch '
                   f'{self.epoch}; batch windows (video@offset): {windows}')
        if self.non_finite_loss == 'stop':
            raise FloatingPointError(
                f"{message}. Set model.non_finite_loss='skip' to drop such steps instead.")
        # Whether the step is dropped is decided after the gradients are (under DDP, all-reduced
        # and) checked by the optimizer wrapper, which logs each step it drops.
        print_log(f"{message}. non_finite_loss='skip': the optimizer wrapper drops the step if "
                  'its gradients are non-finite', logger='current', level=logging.WARNING)

    def cvae_forward(self, inputs: Tensor) -> tuple[list[Tensor], list[Tensor], list[tuple]]:
        """The frozen detector's maps and attention, and the CVAEs' (mean, log_var, z, recon)."""
        with torch.no_grad():
            feats = self.extract_feat(inputs)
            atts = self.attention(feats)
        return feats, atts, self.attention.encode_decode(feats, atts)

    def cvae_loss(self, inputs: Tensor) -> dict[str, Tensor]:
        """CVAE pass: the frozen detector's maps and attention, reconstructed (§5.4).

        Returns ``loss_cvae_<i>`` per backbone map.
        """
        return self.cvae_losses(*self.cvae_forward(inputs))

    def cvae_losses(self, feats: Sequence[Tensor], atts: Sequence[Tensor],
                    outputs: Sequence[tuple]) -> dict[str, Tensor]:
        """``loss_cvae_<i>`` per backbone map from :meth:`cvae_forward`'s results."""
        targets = self.attention.reconstruction_targets(feats)
        return {f'loss_cvae_{i}': self.loss_cvae(target, recon, mean, log_var, att)
                for i, (target, att, (mean, log_var, _, recon))
                in enumerate(zip(targets, atts, outputs))}

    def detector_loss(self, inputs: Tensor, data_samples: Sequence,
                      record: dict | None = None) -> dict[str, Tensor]:
        """Detector pass (§5.10); the CVAEs take part without being trained.

        ``record``, if given, receives the attention maps (``atts``) and, when
        the triplet loss ran, the splice clips (``ssl_inputs``) and their
        attention (``ssl_atts``), for distillation.
        """
        record = {} if record is None else record
        feats = self.extract_feat(inputs)
        if self.attention is None:
            return self._detection_losses(self.head(*self.neck(feats)), data_samples)
        atts = self.attention(feats)
        record['atts'] = atts
        fg, bg = self.attention.split(feats, atts)
        losses = self._detection_losses(self.head(*self.neck(fg)), data_samples)
        bg_levels, _ = self.neck(bg)
        losses['loss_bg'] = self.loss_background(self.head.forward_conf(bg_levels))

        recon_target = [f.detach() for f in feats] if self.recon_target == 'raw' else bg
        ssl_fg = self._triplet_loss(data_samples, losses, record)
        if ssl_fg is not None and self.recon_target == 'aliased':
            recon_target = ssl_fg
        generated = self.attention.generate(atts, train_cvae=False)
        losses['loss_recon'] = self.loss_recon(
            generated, self.attention.reconstruction_targets(recon_target), self.epoch)
        return losses

    def _detection_losses(self, outputs: dict[str, Tensor],
                          data_samples: Sequence) -> dict[str, Tensor]:
        segments = [s.gt_instances.segments for s in data_samples]
        labels = [s.gt_instances.labels for s in data_samples]
        losses = self.loss_det(outputs, segments, labels, self.clip_length)
        boundaries = torch.stack([s.gt_boundaries for s in data_samples])
        losses.update(self.loss_boundary(outputs, boundaries))
        return losses

    def _triplet_loss(self, data_samples: Sequence, losses: dict[str, Tensor],
                      record: dict) -> list[Tensor] | None:
        """Add ``loss_triplet`` when splice clips qualify; return their fg maps.

        All splice clips of the batch go through the network, as published
        (the batch-sum attention normalisation couples them); the loss uses
        the first one ('first') or every successful one ('all').
        """
        if not self.with_ssl or 'ssl_inputs' not in data_samples[0]:
            return None
        valid = [bool(s.metainfo.get('ssl_valid', False)) for s in data_samples]
        if self.ssl_mode == 'first':
            rows = [0] if valid[0] else []
        else:
            rows = [i for i, ok in enumerate(valid) if ok]
        if not rows:
            return None
        clips = torch.stack([s.ssl_inputs for s in data_samples])
        feats = self.extract_feat(clips)
        atts = self.attention(feats)
        record.update(ssl_inputs=clips, ssl_atts=atts)
        fg, _ = self.attention.split(feats, atts)
        levels, frame_feat = self.neck(fg)
        maps = [frame_feat, *self.head.boundary_features(levels[0])]
        regions = segment_regions(torch.stack([s.ssl_segments for s in data_samples]))
        anchors, positives, negatives = [], [], []
        for feat in maps:
            pooled = boundary_max_pool(feat, regions * (feat.shape[-1] / self.clip_length))
            pooled = pooled[rows]
            half = pooled.shape[1] // 2
            anchors.append(pooled[:, half:, 0])
            positives.append(pooled[:, :half, 1])
            negatives.append(pooled[:, :half, 2])
        losses['loss_triplet'] = self.loss_triplet(anchors, positives, negatives)
        return fg

    def parse_losses(self, losses: dict[str, Tensor]) -> tuple[Tensor, dict[str, Tensor]]:
        """Sum the losses; log names carry the phase (``cvae/...``, ``det/...``)."""
        loss, log_vars = super().parse_losses(losses)
        prefix = 'cvae' if self.train_phase == 'cvae' else 'det'
        return loss, OrderedDict((f'{prefix}/{k}', v) for k, v in log_vars.items())
