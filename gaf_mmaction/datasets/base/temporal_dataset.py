"""What the sliding-window and whole-video datasets share: files, checks, metainfo."""
from abc import abstractmethod

from mmengine.dataset import BaseDataset

from ..file_checks import (
    COUNT_SOURCE,
    check_data_folders,
    handle_bad_videos,
    stream_file_problems,
    stream_files,
)
from .video_record import VideoRecord


class TemporalDetectionDataset(BaseDataset):
    """A dataset of untrimmed videos cut into windows for temporal action detection.

    A concrete dataset parses its annotation files into :class:`VideoRecord`
    (:meth:`load_videos`) and names its classes; the subclasses of this class
    cut the records into windows, the dicts the transforms read:

    - ``video_name``, ``offset`` (the window's first time step) and
      ``clip_length`` (time steps per window);
    - ``filename`` (and ``flow_filename`` with a ``flow`` folder): the
      video's npy files under ``data_prefix``;
    - ``num_frames`` (the video's time steps), ``fps`` (time steps per
      second) and, where known, ``duration`` (seconds);
    - for snippet features, where they apply: ``step_origin`` (step ``s``
      shows time ``(s + step_origin) / fps``), ``resize_length`` and
      ``channel_range`` (see :class:`VideoRecord`);
    - in training: ``gt_annotations`` [N, 3] (start, end, label) in time
      steps of the window, ``gt_boundaries`` [2, clip_length] (start and end
      curves) and ``splice_length`` (the splice augmentation's background
      length).

    Every video's files are checked when the dataset is built, so a bad file
    stops a run in its first seconds with every culprit named.

    Args:
        classes: Action names in label order (label ``FIRST_ACTION`` first).
        source_files: The files the dataset was read from, which errors name.
        data_prefix: ``dict(video=DIR)``, the folder of the npy files; add
            ``flow=DIR`` for a second (flow) stream.
        channels: Channels per frame for each ``data_prefix`` key; None for
            ``dict(video=3, flow=2)`` (a flow-only dataset sets ``dict(video=2)``).
        frame_tolerance: Largest accepted difference, in frames, between a
            file's frame count and the record's. Defaults to 5.
        on_bad_video: What a video whose files fail the checks does: 'error'
            (default) raises listing every bad video; 'skip' leaves them out
            with one warning (at test time their ground truth counts as missed).
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``ann_file``, ``pipeline``, ``test_mode``, ``data_root``, ...).
    """

    # What states a video's time steps, for the file checks' messages.
    count_source = COUNT_SOURCE

    def __init__(self, classes: list[str], source_files: tuple[str, ...],
                 data_prefix: dict | None = None, channels: dict[str, int] | None = None,
                 frame_tolerance: int = 5, on_bad_video: str = 'error', **kwargs) -> None:
        self.channels = dict(video=3, flow=2) if channels is None else channels
        self.frame_tolerance = frame_tolerance
        self.on_bad_video = on_bad_video
        self.source = f'{type(self).__name__} ({source_files[0]})'
        # source_files: what the metric names when the ground truth does not fit this dataset.
        super().__init__(data_prefix=data_prefix or dict(video=''),
                         metainfo=dict(classes=list(classes), source_files=tuple(source_files)),
                         **kwargs)

    @abstractmethod
    def load_videos(self) -> list[VideoRecord]:
        """The videos of this split: in training those with actions, in testing all."""

    @abstractmethod
    def windows_of(self, record: VideoRecord) -> list[dict]:
        """The windows of one video (the keys above but its files)."""

    def files_of(self, record: VideoRecord) -> dict[str, str]:
        """A video's npy files: ``filename`` and, with a flow folder, ``flow_filename``."""
        return stream_files(self.data_prefix, record.name)

    def expected_frames(self, record: VideoRecord) -> int | None:
        """The frame count a video's files must have (None: any)."""
        return record.num_frames

    def file_problems(self, record: VideoRecord) -> list[str | None]:
        """What is wrong with each of a video's files (None where nothing)."""
        return stream_file_problems(self.files_of(record), self.channels,
                                    self.expected_frames(record), self.frame_tolerance,
                                    self.count_source)

    def load_data_list(self) -> list[dict]:
        """Every window of every video whose files pass the checks."""
        check_data_folders(self.data_prefix, self.source)
        records = self.load_videos()
        skipped = handle_bad_videos({r.name: self.file_problems(r) for r in records},
                                    self.on_bad_video, self.source)
        windows = []
        for record in records:
            if record.name not in skipped:
                files = self.files_of(record)
                windows += [dict(window, **files) for window in self.windows_of(record)]
        return windows

    def window(self, record: VideoRecord, offset: int, **training) -> dict:
        """The window dict at ``offset`` (``training``: its targets)."""
        window = dict(video_name=record.name, offset=offset, clip_length=self.clip_length,
                      num_frames=record.num_frames, fps=record.fps, **training)
        if record.duration is not None:
            window['duration'] = record.duration
        # Only features carry these (frame datasets' windows stay as they were).
        if record.origin:
            window['step_origin'] = record.origin
        if record.resize_length is not None:
            window['resize_length'] = record.resize_length
        if record.channel_range is not None:
            window['channel_range'] = record.channel_range
        return window
