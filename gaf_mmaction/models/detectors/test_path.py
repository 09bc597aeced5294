"""The test path both detectors share, split where an exported network ends."""
from typing import NamedTuple

from torch import Tensor

from ..utils import maybe_autocast, test_time_forward


class WindowRun(NamedTuple):
    """Batch rows ``start:stop``: windows of one video, each ``stride`` frames after the
    previous one (None for a run of one window)."""
    start: int
    stop: int
    stride: int | None


def window_runs(data_samples: list) -> list[WindowRun]:
    """A batch's windows, in order, as runs of consecutive windows of one video: a run goes
    on while the video is the same and each window starts the run's stride after the
    previous one (``video_name`` and ``offset`` of the samples' metainfo; a sample without
    them is a run of its own)."""
    runs: list[WindowRun] = []
    places = [(getattr(sample, 'video_name', None), getattr(sample, 'offset', None))
              for sample in data_samples]
    for row, (video, offset) in enumerate(places):
        if runs and video is not None and offset is not None:
            run = runs[-1]
            previous_video, previous_offset = places[row - 1]
            if video == previous_video and previous_offset is not None:
                step = offset - previous_offset
                if step > 0 and run.stride in (None, step):
                    runs[-1] = WindowRun(run.start, row + 1, step)
                    continue
        runs.append(WindowRun(row, row + 1, None))
    return runs


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

    def test_outputs(self, inputs: Tensor, runs: list[WindowRun] | None = None
                     ) -> dict[str, Tensor]:
        """The raw outputs of :attr:`network` under ``test_cfg``'s autocast, compilation and
        backbone memory layout; ``runs`` (:func:`window_runs`) let the backbones share their
        stems between consecutive windows."""
        with maybe_autocast(inputs.device.type, self.test_cfg['autocast_dtype']):
            return test_time_forward(self, self.network, self.test_cfg)(inputs, runs)

    def predict(self, inputs: Tensor, data_samples: list) -> list:
        """``data_samples`` with their windows' detections in seconds (with ``test_cfg``'s
        ``share_stem``, the backbone shares its stem between consecutive windows). Per-video
        merging and soft-NMS follow in the metric's post-processing."""
        runs = window_runs(data_samples) if self.test_cfg['share_stem'] else None
        return self.predict_by_outputs(self.test_outputs(inputs, runs), data_samples)
