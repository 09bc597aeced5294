"""GAF's generative attention module: attention heads and their CVAEs (docs/published_code.md §5)."""
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext

from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor, nn

from .feature_split import ATTENTION_NORMS, split_foreground_background

RECON_TARGETS = ('aliased', 'raw')


@contextmanager
def _frozen(module: nn.Module) -> Iterator[None]:
    """Run ``module`` without gradients for its parameters (inputs still get them)."""
    flags = [(p, p.requires_grad) for p in module.parameters()]
    for p, _ in flags:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


@MODELS.register_module()
class GenerativeAttention(BaseModule):
    """Attention over backbone maps, and a CVAE per map that generates it back.

    The attention heads (trained with the detector) split each backbone map
    into foreground and background features; the CVAEs (trained in their own
    pass, ``cvae`` parameters) learn to generate the map from the attention
    (:meth:`cvae_loss`), and their generation trains the attention in the
    detector pass (:meth:`reconstruction_loss`).

    Args:
        in_channels: Channels of each backbone map. Defaults to (832, 1024).
        temporal_strides: Frames per time step of each map. Defaults to
            (4, 8), Mixed_4f and Mixed_5c of Inception-I3D.
        clip_length: Frames per clip; map i has ``clip_length //
            temporal_strides[i]`` steps. The detector fills it in from its
            own. Defaults to 256.
        spatial_sizes: Spatial size of each map (None entries, or None for
            all, take it from the input by spatial averaging). Defaults to
            (6, 3), for a 96x96 crop with Inception-I3D.
        head: Config of the per-map attention head; ``in_channels``,
            ``temporal_size`` and ``spatial_size`` are filled in.
            Defaults to ``dict(type='TemporalAttentionHead')``.
        cvae: Config of the per-map CVAE; ``channels`` and ``spatial_size``
            are filled in. Defaults to ``dict(type='FeatureCVAE')``.
        norm: Normalisation of the fg/bg split in training, 'batch_sum'
            (published), 'per_sample' (§11 Q1) or 'per_sample_mean'
            (scale-preserving, for training from scratch), see
            :func:`split_foreground_background`. In eval mode the module
            splits by :attr:`test_norm`: it picks from its own mode, so every
            caller (``mode='tensor'``, prediction, the fusion's streams, the
            tools) gets the same. Defaults to 'batch_sum'.
        loss_cvae: Config of each CVAE's loss. Defaults to ``CVAELoss``.
        loss_recon: Config of the generative loss of the detector pass.
            Defaults to ``ReconstructionLoss``.
        recon_target: What the generation is compared with in the detector
            pass (:meth:`reconstruction_target`): 'aliased' (published) or
            'raw'. Defaults to 'aliased'.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, in_channels: Sequence[int] = (832, 1024),
                 temporal_strides: Sequence[int] = (4, 8), clip_length: int = 256,
                 spatial_sizes: Sequence[int | None] | None = (6, 3),
                 head: dict | None = None, cvae: dict | None = None,
                 norm: str = 'batch_sum', loss_cvae: dict | None = None,
                 loss_recon: dict | None = None, recon_target: str = 'aliased',
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        spatial_sizes = spatial_sizes or [None] * len(in_channels)
        if not len(in_channels) == len(temporal_strides) == len(spatial_sizes):
            raise ValueError('in_channels, temporal_strides and spatial_sizes need one entry '
                             f'per backbone map; got {in_channels}, {temporal_strides}, '
                             f'{spatial_sizes}')
        if norm not in ATTENTION_NORMS:
            raise ValueError(f'norm must be one of {ATTENTION_NORMS}, got {norm!r}')
        if recon_target not in RECON_TARGETS:
            raise ValueError(f'recon_target must be one of {RECON_TARGETS}, got {recon_target!r}')
        self.norm = norm
        self.recon_target = recon_target
        temporal_sizes = [clip_length // stride for stride in temporal_strides]
        head = head or dict(type='TemporalAttentionHead')
        cvae = cvae or dict(type='FeatureCVAE')
        self.heads = nn.ModuleList(
            MODELS.build(dict(head, in_channels=c, temporal_size=t, spatial_size=s))
            for c, t, s in zip(in_channels, temporal_sizes, spatial_sizes))
        self.cvae = nn.ModuleList(
            MODELS.build(dict(cvae, channels=c, spatial_size=s))
            for c, s in zip(in_channels, spatial_sizes))
        self.loss_cvae = MODELS.build(loss_cvae or dict(type='CVAELoss'))
        self.loss_recon = MODELS.build(loss_recon or dict(type='ReconstructionLoss'))

    def forward(self, feats: Sequence[Tensor]) -> list[Tensor]:
        """Attention per map: [B, C_i, T_i, S_i, S_i] -> [B, C_i, T_i] in (0, 1)."""
        self._check_count(feats)
        return [head(feat) for head, feat in zip(self.heads, feats)]

    @property
    def active_norm(self) -> str:
        """The fg/bg normalisation of the module's current mode: ``norm`` in training,
        :attr:`test_norm` in eval mode."""
        return self.norm if self.training else self.test_norm

    @property
    def test_norm(self) -> str:
        """The fg/bg normalisation at test time: each window on its own. The published
        'batch_sum' sums over the batch, which would make a window's detections depend on
        the windows batched with it; it tests as 'per_sample' (the published batch-1 test
        at any batch size). The per-sample norms test as they train."""
        return 'per_sample' if self.norm == 'batch_sum' else self.norm

    def reconstruction_target(self, feats: Sequence[Tensor], bg: Sequence[Tensor],
                              splice_fg: Sequence[Tensor] | None = None) -> list[Tensor]:
        """What the CVAEs' generation is compared with in the detector pass.

        'raw': the backbone maps ``feats``, detached, as intended. 'aliased':
        what the published code compares with through an aliasing bug (§11 Q2):
        the background features ``bg``, or the splice clips' foreground
        features ``splice_fg`` when the splice loss ran.
        """
        if self.recon_target == 'raw':
            return [feat.detach() for feat in feats]
        return list(splice_fg if splice_fg is not None else bg)

    def split(self, feats: Sequence[Tensor],
              atts: Sequence[Tensor]) -> tuple[list[Tensor], list[Tensor]]:
        """Foreground and background maps, each list shaped like ``feats``
        ([B, C_i, T_i, S_i, S_i]), normalised by :attr:`active_norm`."""
        pairs = [split_foreground_background(f, a, self.active_norm)
                 for f, a in zip(feats, atts)]
        return [fg for fg, _ in pairs], [bg for _, bg in pairs]

    def encode_decode(self, feats: Sequence[Tensor],
                      atts: Sequence[Tensor]) -> list[tuple[Tensor, Tensor, Tensor, Tensor]]:
        """CVAE training path per map: (mean, log_var, z, recon), see ``FeatureCVAE``."""
        self._check_count(feats)
        return [cvae(f, a) for cvae, f, a in zip(self.cvae, feats, atts)]

    def reconstruction_targets(self, feats: Sequence[Tensor]) -> list[Tensor]:
        """What each CVAE's output is compared with (the map or its spatial mean)."""
        return [cvae.target(f) for cvae, f in zip(self.cvae, feats)]

    def generate(self, atts: Sequence[Tensor], train_cvae: bool = True) -> list[Tensor]:
        """Maps generated from attention alone, [B, C_i, T_i, S_i, S_i].

        With ``train_cvae=False`` the CVAE parameters get no gradient (the
        attention still does): the generative loss of the detector pass.
        """
        self._check_count(atts)
        with nullcontext() if train_cvae else _frozen(self.cvae):
            return [cvae.inference(a) for cvae, a in zip(self.cvae, atts)]

    def cvae_loss(self, feats: Sequence[Tensor], atts: Sequence[Tensor],
                  outputs: Sequence[tuple]) -> dict[str, Tensor]:
        """``loss_cvae_<i>`` per map: each CVAE's :meth:`encode_decode` output vs the map."""
        targets = self.reconstruction_targets(feats)
        return {f'loss_cvae_{i}': self.loss_cvae(target, recon, mean, log_var, att)
                for i, (target, att, (mean, log_var, _, recon))
                in enumerate(zip(targets, atts, outputs))}

    def reconstruction_loss(self, atts: Sequence[Tensor], targets: Sequence[Tensor],
                            epoch: int) -> Tensor:
        """The CVAEs' generation from ``atts`` against the maps ``targets`` (scalar).

        The CVAEs are not trained by it (:meth:`generate` with
        ``train_cvae=False``); the attention, and whatever ``targets`` carry
        gradients to, are. ``epoch`` (1-based) sets the warm-up weight.
        """
        generated = self.generate(atts, train_cvae=False)
        return self.loss_recon(generated, self.reconstruction_targets(targets), epoch)

    def _check_count(self, maps: Sequence[Tensor]) -> None:
        if len(maps) != len(self.heads):
            raise ValueError(f'{type(self).__name__} was built for {len(self.heads)} backbone '
                             f'maps but got {len(maps)}')
