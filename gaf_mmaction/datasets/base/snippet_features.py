"""What every dataset over a public feature release shares: its files, its geometry, its
records (docs/datasets.md)."""
import os.path as osp

import numpy as np

from ..feature_releases import FeatureRelease, feature_release
from ..file_checks import feature_file_problem, open_features
from .video_record import VideoRecord


class SnippetFeatures:
    """Mixin for a :class:`TemporalDetectionDataset` whose videos are a release's features.

    A parser (ActionFormer's or OpenTAD's annotation layout) calls
    :meth:`setup_features` before the dataset base's ``__init__`` and builds
    each video's record with :meth:`feature_record` from its actions in
    seconds; the windows are then in feature steps (resampled steps with a
    ``resize_length``), and each step's time follows the release's geometry.
    """

    holds_features = True
    release: FeatureRelease
    channel_range: tuple[int, int] | None

    def setup_features(self, release: str | None, geometry: dict | None,
                       stream: str | None) -> None:
        """Pick the release preset (``geometry`` overriding its keys) and the stream.

        Raises:
            ValueError: A ``stream`` the release does not split its channels into.
        """
        self.release = feature_release(release, geometry)
        if stream is not None and stream not in self.release.streams:
            raise ValueError(f'{type(self).__name__}: stream {stream!r} is not one of the '
                             f'streams of release {release!r} ({sorted(self.release.streams)}); '
                             'None reads every channel')
        self.channel_range = self.release.streams[stream] if stream else None

    def check_resized(self) -> None:
        """Refuse a one-window-per-video dataset whose videos are not resampled to fit it.

        Raises:
            ValueError: No ``resize_length``, or one longer than ``clip_length``.
        """
        length = self.release.geometry.resize_length
        if length is None or length > self.clip_length:
            raise ValueError(f'{type(self).__name__} makes each video one window of '
                             f'clip_length {self.clip_length} steps: its geometry needs a '
                             f'resize_length of at most that, got {length}')

    def files_of(self, record: VideoRecord) -> dict[str, str]:
        """The video's feature file: ``<file_prefix><video><file_ext>`` in ``data_prefix.video``."""
        name = f'{self.release.file_prefix}{record.name}{self.release.file_ext}'
        return dict(filename=osp.join(self.data_prefix.get('video', ''), name))

    def stored_steps(self, video: str) -> int:
        """Steps T of the video's feature file (0 when unreadable: the file check names it)."""
        try:
            return int(open_features(self.files_of(VideoRecord(video, 0, 1.0))['filename'])
                       .shape[0])
        except (FileNotFoundError, ValueError):
            return 0

    def file_problems(self, record: VideoRecord) -> list[str | None]:
        path = self.files_of(record)['filename']
        problem = feature_file_problem(path)
        if problem is None and self.channel_range is not None:
            channels = open_features(path).shape[1]
            if channels < self.channel_range[1]:
                problem = (f'{path} has {channels} channels; the stream needs channels '
                           f'{self.channel_range[0]}-{self.channel_range[1]}')
        return [problem]

    def feature_record(self, video: str, actions: list[tuple[float, float, int]] | None,
                       video_fps: float | None, duration: float | None) -> VideoRecord:
        """The record of one video: its steps, rate and origin from the geometry, its actions
        (start s, end s, label) in steps.

        Raises:
            ValueError: Naming the annotation file and video when its rate (or, for
                resampling over the duration, its duration) is missing.
        """
        geometry = self.release.geometry
        stored = self.stored_steps(video)
        try:
            rate, origin = geometry.timing(video_fps, duration, max(stored, 1))
        except ValueError as err:
            raise ValueError(f'{self.ann_file}: video {video!r}: {err}') from None
        steps = [(geometry.step_of(start, rate, origin), geometry.step_of(end, rate, origin),
                  label) for start, end, label in actions or []]
        return VideoRecord(
            video, geometry.resize_length or stored, rate,
            np.asarray(steps, np.float64).reshape(-1, 3) if actions is not None else None,
            duration, origin=origin, resize_length=geometry.resize_length,
            channel_range=self.channel_range)
