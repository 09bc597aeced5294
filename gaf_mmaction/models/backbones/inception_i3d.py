"""Inception-I3D cut at Mixed_5c (docs/published_code.md §1)."""
from collections.abc import Sequence

from mmaction.registry import MODELS
from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from torch import Tensor, nn
from torch.utils.checkpoint import checkpoint

from ...checkpoint.exact_load import load_state_dict_exact, read_state_dict
from .feature_maps import FeatureMap
from .i3d_units import I3DUnit, InceptionBlock, SameMaxPool3d
from .stem_reuse import Place, StemSharing, StemStitch, TemporalLayer, plan_stem_stitch

# (name, kind, spec): 'conv' spec = (out, kernel, stride); 'pool' spec =
# (kernel, stride); 'inception' spec = (b0, b1a, b1b, b2a, b2b, b3b).
I3D_LAYOUT: tuple[tuple[str, str, tuple], ...] = (
    ('Conv3d_1a_7x7', 'conv', (64, (7, 7, 7), (2, 2, 2))),
    ('MaxPool3d_2a_3x3', 'pool', ((1, 3, 3), (1, 2, 2))),
    ('Conv3d_2b_1x1', 'conv', (64, (1, 1, 1), (1, 1, 1))),
    ('Conv3d_2c_3x3', 'conv', (192, (3, 3, 3), (1, 1, 1))),
    ('MaxPool3d_3a_3x3', 'pool', ((1, 3, 3), (1, 2, 2))),
    ('Mixed_3b', 'inception', (64, 96, 128, 16, 32, 32)),
    ('Mixed_3c', 'inception', (128, 128, 192, 32, 96, 64)),
    ('MaxPool3d_4a_3x3', 'pool', ((3, 3, 3), (2, 2, 2))),
    ('Mixed_4b', 'inception', (192, 96, 208, 16, 48, 64)),
    ('Mixed_4c', 'inception', (160, 112, 224, 24, 64, 64)),
    ('Mixed_4d', 'inception', (128, 128, 256, 24, 64, 64)),
    ('Mixed_4e', 'inception', (112, 144, 288, 32, 64, 64)),
    ('Mixed_4f', 'inception', (256, 160, 320, 32, 128, 128)),
    ('MaxPool3d_5a_2x2', 'pool', ((2, 2, 2), (2, 2, 2))),
    ('Mixed_5b', 'inception', (256, 160, 320, 32, 128, 128)),
    ('Mixed_5c', 'inception', (384, 192, 384, 48, 128, 128)),
)
ENDPOINTS = tuple(name for name, _, _ in I3D_LAYOUT)


@MODELS.register_module()
class InceptionI3D(BaseModule):
    """Inception-I3D (pytorch-i3d layout) up to ``Mixed_5c``.

    Module names equal pytorch-i3d's, so its Kinetics checkpoints
    (``rgb_imagenet.pt``, ``flow_imagenet.pt``) load key for key.

    Args:
        in_channels: 3 for RGB, 2 for optical flow. Defaults to 3.
        out_endpoints: Endpoints returned by ``forward``, in this order.
            Defaults to ('Mixed_4f', 'Mixed_5c'), the maps GAF uses.
        spatial_only: Endpoints whose 3x3x3 convolutions and pooling become
            1x3x3 (and whose stem 7x7x7 becomes 1x7x7). Empty for I3D; see
            :class:`TopHeavyInceptionI3D`.
        freeze_bn: Keep BatchNorm layers in eval mode while training
            (running statistics used and never updated). Defaults to True.
        freeze_bn_affine: Also freeze the BatchNorm weight and bias. The
            published training re-enables them every detector pass, so it
            trains them (§11 Q3): defaults to False to match.
        pretrained: Path of a pytorch-i3d checkpoint loaded by
            ``init_weights``; its classifier (``logits.*``) is dropped and
            every other key must fit. Defaults to None.
        with_cp: In training, keep only each Inception block's input and
            recompute the block in the backward pass (activation
            checkpointing): less memory for more compute, same values and
            gradients. Needs ``freeze_bn`` (the recomputation would update
            trained BatchNorm statistics a second time). Defaults to False.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, in_channels: int = 3,
                 out_endpoints: Sequence[str] = ('Mixed_4f', 'Mixed_5c'),
                 spatial_only: Sequence[str] = (),
                 freeze_bn: bool = True, freeze_bn_affine: bool = False,
                 pretrained: str | None = None, with_cp: bool = False,
                 init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if with_cp and not freeze_bn:
            raise ValueError('with_cp=True needs freeze_bn=True: recomputing a block would update '
                             'its BatchNorm running statistics twice')
        unknown = [e for e in (*out_endpoints, *spatial_only) if e not in ENDPOINTS]
        if unknown:
            raise ValueError(f'Unknown Inception-I3D endpoint(s) {unknown}; valid: {ENDPOINTS}')
        self.in_channels = in_channels
        self.out_endpoints = tuple(out_endpoints)
        self.freeze_bn = freeze_bn
        self.with_cp = with_cp
        self.pretrained = pretrained
        self.stem_sharing = StemSharing()
        last = max(ENDPOINTS.index(e) for e in self.out_endpoints)
        self.endpoints = ENDPOINTS[:last + 1]

        channels = in_channels
        self.out_channels: dict[str, int] = {}
        # Input frames and pixels per step of each endpoint's map.
        self._strides: dict[str, tuple[int, int]] = {}
        temporal = spatial = 1
        for name, kind, spec in I3D_LAYOUT[:last + 1]:
            if kind in ('conv', 'pool'):
                stride = spec[-1]
                temporal, spatial = temporal * stride[0], spatial * stride[1]
            self._strides[name] = (temporal, spatial)
            flat = name in spatial_only
            if kind == 'conv':
                out, kernel, stride = spec
                kernel = (1, *kernel[1:]) if flat else kernel
                layer: nn.Module = I3DUnit(channels, out, kernel, stride)
                channels = out
            elif kind == 'pool':
                layer = SameMaxPool3d(*spec)
            else:
                layer = InceptionBlock(channels, spec, temporal_kernel=1 if flat else 3)
                channels = layer.out_channels
            self.add_module(name, layer)
            self.out_channels[name] = channels

        if freeze_bn_affine:
            for module in self.modules():
                if isinstance(module, nn.BatchNorm3d):
                    module.weight.requires_grad_(False)
                    module.bias.requires_grad_(False)

    @property
    def output_maps(self) -> tuple[FeatureMap, ...]:
        """The maps of ``out_endpoints``: Mixed_4f 832 channels every 4 frames and 16 pixels,
        Mixed_5c 1024 every 8 and 32."""
        return tuple(FeatureMap(self.out_channels[e], *self._strides[e])
                     for e in self.out_endpoints)

    def forward(self, x: Tensor) -> tuple[Tensor, ...]:
        """Run the clip through the endpoints.

        Args:
            x: [B, in_channels, T, H, W] clip normalised to [-1, 1].

        Returns:
            One map per ``out_endpoints``; for a 256x96x96 clip, Mixed_4f is
            [B, 832, 64, 6, 6] and Mixed_5c is [B, 1024, 32, 3, 3].
        """
        if x.dim() != 5 or x.shape[1] != self.in_channels:
            raise ValueError(
                f'{type(self).__name__} expects [B, {self.in_channels}, T, H, W] clips, '
                f'got {tuple(x.shape)}')
        outputs: dict[str, Tensor] = {}
        self._run(x, self.endpoints, outputs)
        return tuple(outputs[name] for name in self.out_endpoints)

    def _run(self, x: Tensor, names: Sequence[str], outputs: dict) -> Tensor:
        for name in names:
            layer = getattr(self, name)
            if self.with_cp and self.training and isinstance(layer, InceptionBlock):
                x = checkpoint(layer, x, use_reentrant=False)
            else:
                x = layer(x)
            if name in self.out_endpoints:
                outputs[name] = x
        return x

    def stem_endpoints(self) -> tuple[str, ...]:
        """The endpoints before the second one that strides in time: their outputs see a few
        frames each (Conv3d_1a_7x7 ... Mixed_3c)."""
        strided = [i for i, name in enumerate(self.endpoints)
                   if self._temporal_layer(name).stride > 1]
        return self.endpoints[:strided[1]] if len(strided) > 1 else ()

    def _temporal_layer(self, name: str) -> TemporalLayer:
        layer = getattr(self, name)
        if isinstance(layer, InceptionBlock):
            return TemporalLayer(layer.b1b.kernel_size[0], 1)
        return TemporalLayer(layer.kernel_size[0], layer.stride[0])

    def stem_layers(self) -> tuple[TemporalLayer, ...] | None:
        """The temporal extent of each of :meth:`stem_endpoints`, or None when the stem
        cannot be shared (no second temporal stride, or an output endpoint inside the stem
        but its last)."""
        stem = self.stem_endpoints()
        if not stem or any(e in stem[:-1] for e in self.out_endpoints):
            return None
        return tuple(self._temporal_layer(name) for name in stem)

    def stem_stitch(self, clip_length: int, stride: int) -> StemStitch | None:
        """How :meth:`forward_windows` shares the stem between windows of ``clip_length`` frames
        ``stride`` apart, or None when it cannot (:meth:`stem_layers`, and
        :func:`~gaf_mmaction.models.backbones.stem_reuse.plan_stem_stitch`)."""
        layers = self.stem_layers()
        return None if layers is None else plan_stem_stitch(layers, clip_length, stride)

    def forward_stem(self, x: Tensor) -> Tensor:
        """The stem's map (:meth:`stem_endpoints`' last; for I3D Mixed_3c, [B, 480, T/2, H/8,
        W/8]) of clips [B, in_channels, T, H, W] normalised to [-1, 1]."""
        return self._run(x, self.stem_endpoints(), {})

    def forward_after_stem(self, maps: Tensor) -> tuple[Tensor, ...]:
        """:meth:`forward`'s maps from the stem's map ``maps`` (:meth:`forward_stem`)."""
        stem = self.stem_endpoints()
        outputs = {stem[-1]: maps} if stem[-1] in self.out_endpoints else {}
        self._run(maps, self.endpoints[len(stem):], outputs)
        return tuple(outputs[name] for name in self.out_endpoints)

    def forward_windows(self, x: Tensor, places: Sequence[Place | None]) -> tuple[Tensor, ...]:
        """:meth:`forward` of test windows, a window that follows the previous one of its video
        (in the batch, or the last window of the previous call) computing the stem only where
        it differs from that window's (:class:`.stem_reuse.StemSharing`); the same maps as
        :meth:`forward` within float32 rounding (the convolutions see other lengths).

        Args:
            x: [B, in_channels, T, H, W] windows, normalised to [-1, 1].
            places: Per window, (video name, first frame), or None where unknown.
        """
        if self.stem_layers() is None:
            return self(x)
        return self.forward_after_stem(
            self.stem_sharing(self.forward_stem, self.stem_stitch, x, places))

    def train(self, mode: bool = True) -> 'InceptionI3D':
        """Set train mode, keeping BatchNorm in eval mode when ``freeze_bn``; either way the
        window kept for stem sharing is dropped (the weights may change)."""
        super().train(mode)
        self.stem_sharing.clear()
        if mode and self.freeze_bn:
            for module in self.modules():
                if isinstance(module, nn.BatchNorm3d):
                    module.eval()
        return self

    def init_weights(self) -> None:
        """Load ``pretrained`` if given, else apply ``init_cfg`` (PyTorch defaults)."""
        if self.pretrained is None:
            super().init_weights()
            return
        self.load_pytorch_i3d(self.pretrained)

    def load_pytorch_i3d(self, path: str) -> None:
        """Load a pytorch-i3d Kinetics checkpoint, naming every misfit key.

        The classifier ``logits.*`` is dropped and BatchNorm counters
        (``num_batches_tracked``) may be absent; endpoints beyond the last
        one built are dropped too. Anything else missing, unexpected or of
        the wrong shape raises :class:`CheckpointMismatchError`.
        """
        state = read_state_dict(path)
        built = tuple(f'{name}.' for name in self.endpoints)
        kept = {k: v for k, v in state.items() if k.startswith(built)}
        dropped = sorted(k for k in state if k not in kept)
        stray = [k for k in dropped if not k.startswith(tuple(f'{e}.' for e in ENDPOINTS))
                 and not k.startswith('logits.')]
        # Keys of no known endpoint are reported as unexpected, not dropped.
        kept.update({k: state[k] for k in stray})
        load_state_dict_exact(self, kept, path, allow_missing=('*.num_batches_tracked',))
        MMLogger.get_current_instance().info(
            f'Loaded {len(kept)} tensors from {path} into {type(self).__name__}; '
            f'dropped {len(dropped) - len(stray)} unused: '
            + ', '.join(k for k in dropped if k not in stray))


@MODELS.register_module()
class TopHeavyInceptionI3D(InceptionI3D):
    """The "top-heavy" I3D student of GAF's distillation (§7.1).

    Same endpoints, names and output shapes as :class:`InceptionI3D`, but
    the stem convolutions and Mixed_3b..Mixed_4c are spatial-only (temporal
    kernel 1), which makes the lower, high-resolution layers cheaper.
    Accepts every argument of :class:`InceptionI3D`.
    """

    SPATIAL_ONLY = ('Conv3d_1a_7x7', 'Conv3d_2c_3x3', 'Mixed_3b', 'Mixed_3c',
                    'Mixed_4b', 'Mixed_4c')

    def __init__(self, spatial_only: Sequence[str] = SPATIAL_ONLY, **kwargs) -> None:
        super().__init__(spatial_only=spatial_only, **kwargs)
