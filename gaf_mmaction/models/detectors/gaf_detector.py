"""The GAF detector: backbone, generative attention, pyramid neck and AFSD heads."""
from mmaction.registry import MODELS
from mmengine.model import BaseModel
from torch import Tensor


@MODELS.register_module()
class GAFDetector(BaseModel):
    """Temporal action detector of GAF (an AFSD detector with generative attention).

    A clip goes through the backbone; the attention module weights its maps
    into foreground features, which the neck turns into a temporal pyramid
    and the heads into per-prior predictions (the foreground path, §3.5).

    Args:
        backbone: Config of the backbone; returns the maps the neck takes.
        neck: Config of the pyramid neck.
        head: Config of the detection head.
        attention: Config of the generative attention module, or None for a
            plain AFSD detector (the published fusion's flow branch).
        data_preprocessor: Config of the data preprocessor. Defaults to None.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, backbone: dict, neck: dict, head: dict, attention: dict | None = None,
                 data_preprocessor: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.attention = MODELS.build(attention) if attention is not None else None
        self.neck = MODELS.build(neck)
        self.head = MODELS.build(head)

    @property
    def clip_length(self) -> int:
        """Frames per clip the head was built for."""
        return self.head.clip_length

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

    def _forward(self, inputs: Tensor, data_samples: list | None = None) -> dict[str, Tensor]:
        """Foreground-path head outputs; see :meth:`AFSDHead.forward` for keys and shapes."""
        feats = self.extract_feat(inputs)
        if self.attention is not None:
            feats, _ = self.attention.split(feats, self.attention(feats))
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
                [K, 1] and the boundary features.
        """
        if mode == 'tensor':
            return self._forward(inputs, data_samples)
        raise NotImplementedError(
            f"{type(self).__name__} supports mode='tensor' only so far; "
            f"mode={mode!r} (training and testing) is not built yet")
