"""The test path both detectors share, split where an exported network ends."""
from torch import Tensor

from ..backbones.stem_reuse import Place
from ..utils import maybe_autocast, test_time_forward


def window_places(data_samples: list) -> list[Place | None]:
    """Each window's (video name, first frame) from its sample's ``video_name`` and ``offset``
    metainfo; None for a sample without them (built by hand), which then shares nothing."""
    places = [(getattr(sample, 'video_name', None), getattr(sample, 'offset', None))
              for sample in data_samples]
    return [None if video is None or offset is None else (video, int(offset))
            for video, offset in places]


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

    def test_outputs(self, inputs: Tensor, places: list[Place | None] | None = None
                     ) -> dict[str, Tensor]:
        """The raw outputs of :attr:`network` under ``test_cfg``'s autocast, compilation and
        backbone memory layout; the windows' ``places`` (:func:`window_places`) let the
        backbones share their stems between consecutive windows of a video."""
        with maybe_autocast(inputs.device.type, self.test_cfg['autocast_dtype']):
            return test_time_forward(self, self.network, self.test_cfg)(inputs, places)

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """``data_samples`` with their windows' detections in seconds (with ``test_cfg``'s
        ``share_stem``, and without ``compile``, the backbone shares its stem between
        consecutive windows of a video). Per-video merging and soft-NMS follow in the
        metric's post-processing."""
        share = self.test_cfg['share_stem'] and not self.test_cfg['compile']
        places = window_places(data_samples) if share else None
        return self.predict_by_outputs(self.test_outputs(inputs, places), data_samples)
