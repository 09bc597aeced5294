"""One window per video, the video resized to it beforehand (ActivityNet; docs/activitynet.md)."""
import math

from ..windows import boundary_targets
from .temporal_dataset import TemporalDetectionDataset
from .video_record import VideoRecord


class WholeVideoDataset(TemporalDetectionDataset):
    """Each video is one window of ``clip_length`` steps (shorter videos padded).

    The videos are re-encoded to at most ``clip_length`` frames first
    (``tools/data/videos_to_npy.py --max-frames``), so a file holds
    ``min(num_frames, clip_length)`` frames. In training a video needs an
    action; the splice length is a quarter of its shortest action, as the
    published ActivityNet code has it.

    Args:
        clip_length: Time steps per (padded) video. Defaults to 768.
        **kwargs: See :class:`TemporalDetectionDataset`.
    """

    def __init__(self, clip_length: int = 768, **kwargs) -> None:
        self.clip_length = clip_length
        super().__init__(**kwargs)

    def expected_frames(self, record: VideoRecord) -> int:
        return min(record.num_frames, self.clip_length)

    def windows_of(self, record: VideoRecord) -> list[dict]:
        if self.test_mode:
            return [self.window(record, 0)]
        actions = record.actions
        shortest = (actions[:, 1] - actions[:, 0]).min()
        return [self.window(record, 0, gt_annotations=actions,
                            gt_boundaries=boundary_targets(actions, self.clip_length),
                            splice_length=max(int(math.floor(shortest) / 4), 1))]
