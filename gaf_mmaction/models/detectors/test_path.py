"""The test path both detectors share, split where an exported network ends."""
from torch import Tensor

from ..utils import maybe_autocast, test_time_forward


class TestPathMixin:
    """``predict`` as two halves: :meth:`test_outputs` (the network, clips to raw outputs,
    under ``test_cfg``) and ``predict_by_outputs`` (decoding to detections in seconds, the
    class's own). An ONNX Runtime detector (``gaf_mmaction.deployment``) runs the first half
    from an exported file and this class's second half, so both decode alike.

    A class using it sets :attr:`network`, the name of its method from normalised clips
    [B, C, T, H, W] to raw outputs, and has ``test_cfg`` (``autocast_dtype``, ``compile``,
    ``channels_last``) and ``predict_by_outputs(outputs, data_samples)``.
    """

    network: str

    def test_outputs(self, inputs: Tensor) -> dict[str, Tensor]:
        """The raw outputs of :attr:`network` under ``test_cfg``'s autocast, compilation and
        backbone memory layout."""
        with maybe_autocast(inputs.device.type, self.test_cfg['autocast_dtype']):
            return test_time_forward(self, self.network, self.test_cfg)(inputs)

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """``data_samples`` with their windows' detections in seconds. Per-video merging and
        soft-NMS follow in the metric's post-processing."""
        return self.predict_by_outputs(self.test_outputs(inputs), data_samples)
