"""Windows sliding over a video at a fixed stride (THUMOS14; docs/published_code.md §8.3, §9)."""
from ..windows import training_windows, window_offsets
from .temporal_dataset import TemporalDetectionDataset
from .video_record import VideoRecord


class SlidingWindowDataset(TemporalDetectionDataset):
    """Videos covered by windows of ``clip_length`` steps every ``clip_stride`` steps.

    In testing every video is covered (the last window flush with its end, a
    short video by one padded window). In training a window is kept when it
    fully contains an action; it carries every action it holds at least half
    of, clipped to it, and the video's splice length is the shortest clipped
    action (§8.3).

    Args:
        clip_length: Time steps per window. Defaults to 256.
        clip_stride: Time steps between windows. Defaults to 30 (the
            published training; its test stride is 128).
        **kwargs: See :class:`TemporalDetectionDataset`.
    """

    def __init__(self, clip_length: int = 256, clip_stride: int = 30, **kwargs) -> None:
        self.clip_length = clip_length
        self.clip_stride = clip_stride
        super().__init__(**kwargs)

    def windows_of(self, record: VideoRecord) -> list[dict]:
        if self.test_mode:
            return [self.window(record, offset) for offset in
                    window_offsets(record.num_frames, self.clip_length, self.clip_stride)]
        windows, splice_length = training_windows(record.num_frames, record.actions,
                                                  self.clip_length, self.clip_stride)
        return [self.window(record, w['offset'], gt_annotations=w['annotations'],
                            gt_boundaries=w['boundaries'], splice_length=splice_length)
                for w in windows]

    def load_data_list(self) -> list[dict]:
        windows = super().load_data_list()
        if not windows and not self.test_mode:
            raise ValueError(
                f'{type(self).__name__}: no window of {self.clip_length} steps fully contains '
                f'an action of {self.ann_file} in the videos of '
                f'{self.metainfo["source_files"][0]}; check the files and clip_length')
        return windows
