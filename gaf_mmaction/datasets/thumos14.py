"""THUMOS14 as sliding windows over per-video frame arrays (docs/published_code.md §8, §9)."""
import logging

import numpy as np
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from ..utils import ConfigMismatchError
from .annotation_files import (
    VideoInfo,
    read_annotations,
    read_class_names,
    read_video_info,
    shipped_file,
    under_root,
)
from .base import SlidingWindowDataset, VideoRecord
from .file_checks import feature_file_problem, open_array, stream_files


@DATASETS.register_module()
class Thumos14Dataset(SlidingWindowDataset):
    """THUMOS14 videos stored as one ``<video>.npy`` each ([T, H, W, C] uint8, 10 fps).

    Parses the THUMOS14 files into video records (time steps are the sampled
    frames); :class:`SlidingWindowDataset` cuts them into windows (7,842
    training windows on the validation split).

    Args:
        video_info_file: ``*_video_info.csv``; None for the shipped
            validation (training) or test file.
        ann_file: ``*_Annotation_ours.csv``; None for the shipped one.
        class_index_file: ``Class Index_Detection.txt``; None for the
            shipped one.
        steps_per_second: Time steps per second of the npy files (10: the
            published frames at 10 fps), checked against every video's
            steps per second (``sample_fps``); the video API samples a video
            at it. None (default): each video's own, unchecked.
        **kwargs: See :class:`SlidingWindowDataset` (``clip_length``,
            ``clip_stride``, ``data_prefix``, ``channels``, ``on_bad_video``,
            ``frame_tolerance``, ``pipeline``, ``test_mode``, ``data_root``, ...).
    """

    data_docs = 'docs/data_preparation.md#thumos14'
    input_files = (('video_info_file', 'video-info CSV', True, None),
                   ('ann_file', 'annotation CSV', True, None),
                   ('class_index_file', 'class index file', True, None))

    def __init__(self, video_info_file: str | None = None, ann_file: str | None = None,
                 class_index_file: str | None = None, steps_per_second: float | None = None,
                 **kwargs) -> None:
        self.check_inputs(video_info_file=video_info_file, ann_file=ann_file,
                          class_index_file=class_index_file, **kwargs)
        self.steps_per_second = steps_per_second
        split = 'test' if kwargs.get('test_mode') else 'val'
        root = kwargs.get('data_root') or ''
        self.video_info_file = under_root(root, video_info_file) or shipped_file(
            'thumos14', f'{split}_video_info.csv')
        self.class_index_file = under_root(root, class_index_file) or shipped_file(
            'thumos14', 'Class_Index_Detection.txt')
        super().__init__(
            ann_file=ann_file or shipped_file('thumos14', f'{split}_Annotation_ours.csv'),
            classes=read_class_names(self.class_index_file),
            source_files=(self.video_info_file, self.class_index_file), **kwargs)

    def check_rate(self, infos: dict[str, VideoInfo]) -> None:
        """Refuse videos whose steps per second are not the configured ``steps_per_second``.

        Raises:
            ConfigMismatchError: Naming the video-info file, a video and both rates.
        """
        if self.steps_per_second is None:
            return
        other = {video: self.steps(video, info)[1] for video, info in infos.items()}
        other = {video: rate for video, rate in other.items()
                 if abs(rate - self.steps_per_second) > 1e-6}
        if other:
            video, rate = next(iter(other.items()))
            raise ConfigMismatchError(
                f'{self.video_info_file}: {len(other)} video(s) (e.g. {video}) have {rate:g} '
                f'steps per second, but the dataset\'s steps_per_second is '
                f'{self.steps_per_second:g}: set steps_per_second to the rate of the files')

    def steps(self, video: str, info: VideoInfo) -> tuple[int, float]:
        """A video's time steps and steps per second: its sampled frames at ``sample_fps``."""
        return info.sample_count, info.sample_fps

    def origin(self) -> float:
        """Steps from the video's start to step 0's time (0: step 0 is the first frame)."""
        return 0.0

    def load_videos(self) -> list[VideoRecord]:
        infos = read_video_info(self.video_info_file)
        self.check_rate(infos)
        origin = self.origin()
        if self.test_mode:
            return [VideoRecord(video, *self.steps(video, info), origin=origin)
                    for video, info in infos.items()]
        annotations = read_annotations(self.ann_file, infos, self.class_index_file)
        unannotated = [video for video in infos if video not in annotations]
        if unannotated:
            print_log(f'{len(unannotated)} video(s) of {self.video_info_file} have no annotation '
                      f'in {self.ann_file} and give no training windows: {unannotated}',
                      logger='current', level=logging.WARNING)
        records = []
        for video, actions in annotations.items():
            num_frames, fps = self.steps(video, infos[video])
            # Annotations are in sampled frames (10 fps); feature steps are scaled to.
            scale = fps / infos[video].sample_fps
            records.append(VideoRecord(video, num_frames, fps, np.array(
                [(start * scale - origin, end * scale - origin, label)
                 for start, end, label in actions], dtype=np.float64).reshape(-1, 3),
                origin=origin))
        return records


@DATASETS.register_module()
class Thumos14FeatureDataset(Thumos14Dataset):
    """Windows over pre-extracted snippet features, one ``<video>.npy`` of [T, C] per video.

    The layout of the widely used THUMOS14 I3D features: a snippet of
    ``snippet_length`` frames every ``feature_stride`` frames of the original
    video, each feature describing its snippet's centre (docs/datasets.md).
    Windows, annotations and ``fps`` are in feature steps (``fps /
    feature_stride`` per second), step ``s`` at time ``(s + snippet_length /
    2 / feature_stride) / fps``; ``clip_length`` and ``clip_stride`` count
    feature steps. (Until issue #34 step ``s`` was taken to be time ``s /
    fps``, the snippet's start: half a snippet, 2 steps, early.)

    Args:
        feature_stride: Original frames per feature step. Defaults to 4.
        snippet_length: Original frames per snippet. Defaults to 16.
        **kwargs: As :class:`Thumos14Dataset`.
    """

    holds_features = True

    def __init__(self, feature_stride: int = 4, snippet_length: int = 16, **kwargs) -> None:
        self.feature_stride = feature_stride
        self.snippet_length = snippet_length
        super().__init__(**kwargs)

    def origin(self) -> float:
        """Half a snippet, in steps: step 0 shows the first snippet's centre."""
        return self.snippet_length / 2 / self.feature_stride

    def steps(self, video: str, info: VideoInfo) -> tuple[int, float]:
        """The feature file's steps (0 when it cannot be read: the file check names it)."""
        try:
            length = int(open_array(stream_files(self.data_prefix, video)['filename'], 2,
                                    '[T, C] features').shape[0])
        except (FileNotFoundError, ValueError):
            length = 0
        return length, info.fps / self.feature_stride

    def file_problems(self, record: VideoRecord) -> list[str | None]:
        return [feature_file_problem(self.files_of(record)['filename'])]
