"""What a detector asks of a temporal detection head (as MMDetection's ``BaseDenseHead``)."""
from abc import ABCMeta, abstractmethod
from collections.abc import Sequence

from mmengine.model import BaseModule
from mmengine.structures import InstanceData
from torch import Tensor

from ...utils import ConfigMismatchError

# A (prior, class) pair of a window scoring above this becomes a detection (the published
# ``conf_thresh``).
HEAD_TEST_CFG = dict(score_threshold=0.01)


class BaseTemporalHead(BaseModule, metaclass=ABCMeta):
    """A head on the neck's pyramid: predictions, their losses and their detections.

    ``feats`` is what the neck returns: the pyramid levels ([B, C, t_l] each)
    and the frame-level features [B, C, clip_length]. A head implements
    :meth:`forward`, :meth:`loss_by_feat` and :meth:`predict_by_feat` (whose
    detections are in frames of the window); :meth:`loss` chains the first
    two, :meth:`predict_by_outputs` decodes raw outputs, and
    :meth:`add_pred_to_samples` turns window frames into seconds of the
    video, once for every head. Two capabilities
    are optional, for GAF's losses; a detector configured to use one checks
    at build time that its head has it (:meth:`has`):

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
    def predict_by_feat(self, outputs: dict[str, Tensor],
                        score_threshold: float | None = None) -> list[InstanceData]:
        """Each window's detections above ``score_threshold`` (default: ``test_cfg``'s):
        ``segments`` [M, 2] in frames of the window, ``scores`` [M], ``labels`` [M]
        (actions, >= ``FIRST_ACTION``); optionally the metainfo ``non_finite_outputs``, the
        window's count of non-finite outputs."""

    def loss(self, feats: tuple[Sequence[Tensor], Tensor],
             data_samples: Sequence) -> dict[str, Tensor]:
        """:meth:`loss_by_feat` of :meth:`forward` on the neck's ``feats``."""
        return self.loss_by_feat(self(*feats), data_samples)

    def predict_by_outputs(self, outputs: dict[str, Tensor], data_samples: list,
                           score_threshold: float | None = None) -> list:
        """``data_samples`` with the detections of raw ``outputs`` (:meth:`forward`'s, or an
        exported network's), in seconds of their videos (:meth:`predict_by_feat`, then
        :meth:`add_pred_to_samples`)."""
        return self.add_pred_to_samples(self.predict_by_feat(outputs, score_threshold),
                                        data_samples)

    @staticmethod
    def add_pred_to_samples(windows: Sequence[InstanceData], data_samples: list) -> list:
        """Put each window's detections into its data sample, in seconds of its video.

        A segment in frames of the window is shifted by the window's ``offset``
        and the step origin (``step_origin``, 0 when absent: snippet features whose
        step 0 shows a later time) and divided by ``fps`` (time steps per second), all
        from the sample's metainfo.

        Returns:
            ``data_samples``, each with ``pred_instances``: ``segments`` [M, 2]
            seconds, ``scores`` [M], ``labels`` [M], on the CPU; and the
            metainfo ``non_finite_outputs`` (0 when the head counts none).
        """
        for window, sample in zip(windows, data_samples):
            sample.set_metainfo(dict(non_finite_outputs=int(
                window.metainfo.get('non_finite_outputs', 0))))
            origin = sample.metainfo['offset'] + sample.metainfo.get('step_origin', 0.0)
            seconds = (window.segments + origin) / sample.metainfo['fps']
            sample.pred_instances = InstanceData(segments=seconds.cpu(),
                                                 scores=window.scores.cpu(),
                                                 labels=window.labels.cpu())
        return data_samples

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

    def require(self, capability: str, instead: str) -> None:
        """Refuse to serve a detector that uses ``capability``, which this head lacks.

        Raises:
            ConfigMismatchError: Naming the capability and ``instead``, the
                setting that does without it.
        """
        if not self.has(capability):
            raise ConfigMismatchError(
                f'{type(self).__name__} has no {capability}, which the detector uses: '
                f'set {instead}, or give the head that capability')
