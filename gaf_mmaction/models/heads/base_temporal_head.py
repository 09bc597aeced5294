"""What a detector asks of a temporal detection head (as MMDetection's ``BaseDenseHead``)."""
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence

from mmengine.model import BaseModule
from torch import Tensor

# A (prior, class) pair of a window scoring above this becomes a detection (the published
# ``conf_thresh``).
HEAD_TEST_CFG = dict(score_threshold=0.01)


class BaseTemporalHead(BaseModule, metaclass=ABCMeta):
    """A head on the neck's pyramid: predictions, their losses and their detections.

    ``feats`` is what the neck returns: the pyramid levels ([B, C, t_l] each)
    and the frame-level features [B, C, clip_length]. A head implements
    :meth:`forward`, :meth:`loss_by_feat` and :meth:`predict_by_feat`;
    :meth:`loss` and :meth:`predict` chain them. Two capabilities are
    optional, for GAF's losses; a detector configured to use one checks at
    build time that its head has it (:meth:`has`):

    - :meth:`background_loss`: the loss of the background features' pyramid
      (every prior is background), with generative attention;
    - :meth:`splice_features`: boundary features of splice clips, for the
      splice augmentation's triplet loss.

    Args:
        test_cfg: ``score_threshold``: a (prior, class) pair above it becomes
            a detection. Defaults to 0.01 (the published threshold).
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, test_cfg: dict | None = None, init_cfg: dict | None = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.test_cfg = {**HEAD_TEST_CFG, **(test_cfg or {})}

    @abstractmethod
    def forward(self, levels: Sequence[Tensor], frame_feat: Tensor) -> dict[str, Tensor]:
        """Raw predictions (a dict of tensors) of a batch of windows."""

    @abstractmethod
    def loss_by_feat(self, outputs: dict[str, Tensor], data_samples: Sequence) -> dict[str, Tensor]:
        """Losses (``loss_*`` terms) of ``outputs`` against the samples' ``gt_instances``."""

    @abstractmethod
    def predict_by_feat(self, outputs: dict[str, Tensor], data_samples: list,
                        score_threshold: float | None = None) -> list:
        """``data_samples`` with ``pred_instances`` (segments in seconds of the video, scores,
        labels), above ``score_threshold`` (default: ``test_cfg``'s)."""

    def loss(self, feats: tuple[Sequence[Tensor], Tensor],
             data_samples: Sequence) -> dict[str, Tensor]:
        """:meth:`loss_by_feat` of :meth:`forward` on the neck's ``feats``."""
        return self.loss_by_feat(self(*feats), data_samples)

    def predict(self, feats: tuple[Sequence[Tensor], Tensor], data_samples: list) -> list:
        """:meth:`predict_by_feat` of :meth:`forward` on the neck's ``feats``."""
        return self.predict_by_feat(self(*feats), data_samples)

    def background_loss(self, levels: Sequence[Tensor]) -> dict[str, Tensor]:
        """Optional: the loss of the background features' pyramid levels (``loss_bg``)."""
        raise NotImplementedError(f'{type(self).__name__} has no background loss')

    def splice_features(self, levels: Sequence[Tensor], frame_feat: Tensor,
                        segments: Tensor) -> tuple[list[Tensor], list[Tensor], list[Tensor]]:
        """Optional: anchor, positive and negative boundary features of splice clips, one
        [M, C_i] tensor per feature map each; ``segments`` [M, 3, 2] frames of the clip."""
        raise NotImplementedError(f'{type(self).__name__} has no splice features')

    @classmethod
    def has(cls, capability: str) -> bool:
        """Whether the head implements the optional ``capability`` (a method name above)."""
        return getattr(cls, capability) is not getattr(BaseTemporalHead, capability)
