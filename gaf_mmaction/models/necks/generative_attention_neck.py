"""GAF's generative attention as a neck of any MMAction2 3D recognizer or localizer."""
from mmaction.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor


@MODELS.register_module()
class GenerativeAttentionNeck(BaseModule):
    """Weight a backbone map by GAF's attention and train the attention generatively.

    Put it in a recognizer config as ``model.neck``. It returns the
    foreground-weighted map (same shape as its input) and, in training,
    auxiliary losses that MMAction2 adds to the head's, both the
    :class:`GenerativeAttention` module's own: ``loss_cvae`` (the CVAE
    reconstructs the map from the attention; attention and map are detached
    so only the CVAE learns from it) and ``loss_recon`` (the frozen CVAE's
    generation from the attention against the map; only the attention and
    backbone learn from it). One optimizer serves all, unlike GAF's two-pass
    training.

    Args:
        in_channels: Channels of the backbone map.
        temporal_size: Its time steps (fixed by the clip length).
        spatial_size: Its spatial size, or None to average over space.
            Defaults to None.
        norm: The attention's fg normalisation (see
            :class:`GenerativeAttention`): 'per_sample_mean' divides by the
            attention's mean, so the map keeps its magnitude; 'per_sample' by
            its sum, as GAF does, which makes the map ~1e-5 of the input (a
            classification head trained from scratch copes with that badly).
            Defaults to 'per_sample_mean'.
        cvae_weight: Weight of ``loss_cvae``. Defaults to 1.
        recon_weight: Weight of ``loss_recon``. Defaults to 0.5.
        attention: Extra arguments of :class:`GenerativeAttention`
            (``head``, ``cvae``). Defaults to None.
    """

    def __init__(self, in_channels: int, temporal_size: int, spatial_size: int | None = None,
                 norm: str = 'per_sample_mean', cvae_weight: float = 1.0,
                 recon_weight: float = 0.5,
                 attention: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        # One map of temporal_size steps; the reconstruction loss at its full weight from the
        # start (no epoch warm-up in a one-pass recognizer).
        self.attention = MODELS.build(dict(
            type='GenerativeAttention', in_channels=(in_channels, ), temporal_strides=(1, ),
            clip_length=temporal_size, spatial_sizes=(spatial_size, ), norm=norm,
            loss_recon=dict(type='ReconstructionLoss', max_weight=recon_weight, warmup_epochs=1),
            **(attention or {})))
        self.cvae_weight = cvae_weight

    def forward(self, x: Tensor, data_samples: list | None = None) -> tuple[Tensor, dict]:
        """[B, C, T, H, W] -> (foreground map [B, C, T, H, W], auxiliary losses)."""
        att = self.attention([x])[0]
        fg = self.attention.split([x], [att])[0][0]
        losses: dict[str, Tensor] = {}
        if self.training and data_samples is not None:
            feats, atts = [x.detach()], [att.detach()]
            cvae = self.attention.cvae_loss(feats, atts, self.attention.encode_decode(feats, atts))
            losses['loss_cvae'] = self.cvae_weight * cvae['loss_cvae_0']
            losses['loss_recon'] = self.attention.reconstruction_loss([att], [x], epoch=1)
        return fg, losses
