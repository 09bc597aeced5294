"""THUMOS14 as sliding windows over per-video frame arrays (docs/published_code.md §8, §9)."""
import logging
import os.path as osp

from mmaction.registry import DATASETS
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from .annotation_files import (
    VideoInfo,
    read_annotations,
    read_class_names,
    read_video_info,
    shipped_file,
)
from .file_checks import (
    check_data_folders,
    handle_bad_videos,
    open_array,
    stream_file_problems,
    stream_files,
)
from .windows import training_windows, window_offsets


def _under(root: str, path: str | None) -> str | None:
    """``path`` joined to ``root`` unless absolute (None stays None)."""
    return None if path is None else osp.join(root, path)


@DATASETS.register_module()
class Thumos14Dataset(BaseDataset):
    """Windows of THUMOS14 videos stored as one ``<video>.npy`` each ([T, H, W, C] uint8, 10 fps).

    In training mode the windows are those of §8.3 (kept only if they fully
    contain an action; 7,842 on the validation split), each with its
    clipped actions, boundary curves and splice length. In test mode
    every video of the video-info file is covered with a stride of
    ``clip_stride`` (§9); annotations are not needed.

    Args:
        video_info_file: ``*_video_info.csv``; None for the shipped
            validation (training) or test file.
        ann_file: ``*_Annotation_ours.csv``; None for the shipped one.
        class_index_file: ``Class Index_Detection.txt``; None for the
            shipped one.
        data_prefix: ``dict(video=DIR)``, the folder of the npy files; add
            ``flow=DIR`` for a second (flow) stream, read as ``flow_filename``.
        clip_length: Frames per window. Defaults to 256.
        clip_stride: Frames between windows. Defaults to 30 (training);
            the published test stride is 128.
        channels: Channels per frame for each ``data_prefix`` key; None
            for ``dict(video=3, flow=2)`` (a flow-only config sets
            ``dict(video=2)``).
        frame_tolerance: Largest accepted difference, in frames, between a
            file's frame count and the video-info file's ``sample_count``.
            Defaults to 5.
        on_bad_video: What a video whose files fail the checks (missing,
            unreadable, wrong rank, no frames, wrong channels, frame count
            off) does to the build: 'error' (default) raises listing every
            bad video; 'skip' leaves them out with one warning (at test
            time their ground truth then counts as missed).
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ``data_root``, ...).
    """

    def __init__(self, video_info_file: str | None = None, ann_file: str | None = None,
                 class_index_file: str | None = None, data_prefix: dict | None = None,
                 clip_length: int = 256, clip_stride: int = 30,
                 channels: dict[str, int] | None = None, frame_tolerance: int = 5,
                 on_bad_video: str = 'error', **kwargs) -> None:
        split = 'test' if kwargs.get('test_mode') else 'val'
        root = kwargs.get('data_root') or ''
        self.video_info_file = _under(root, video_info_file) or shipped_file(
            'thumos14', f'{split}_video_info.csv')
        self.class_index_file = _under(root, class_index_file) or shipped_file(
            'thumos14', 'Class_Index_Detection.txt')
        self.clip_length = clip_length
        self.clip_stride = clip_stride
        self.channels = dict(video=3, flow=2) if channels is None else channels
        self.frame_tolerance = frame_tolerance
        self.on_bad_video = on_bad_video
        ann_file = ann_file or shipped_file('thumos14', f'{split}_Annotation_ours.csv')
        # source_files: what the metric names when the ground truth does not fit this dataset.
        metainfo = dict(classes=read_class_names(self.class_index_file),
                        source_files=(self.video_info_file, self.class_index_file))
        super().__init__(ann_file=ann_file, data_prefix=data_prefix or dict(video=''),
                         metainfo=metainfo, **kwargs)

    def _length(self, video: str, info: VideoInfo) -> int:
        """Time steps of a video: its sampled frames."""
        return info.sample_count

    def _rate(self, info: VideoInfo) -> float:
        """Time steps per second: the sampling rate (10 fps)."""
        return info.sample_fps

    def _files(self, video: str) -> dict[str, str]:
        return stream_files(self.data_prefix, video)

    def _file_problems(self, video: str, info: VideoInfo) -> list[str | None]:
        """What is wrong with each file of ``video`` (None where nothing)."""
        return stream_file_problems(self._files(video), self.channels, info.sample_count,
                                    self.frame_tolerance)

    def _good_videos(self, videos: list[str], infos: dict[str, VideoInfo]) -> list[str]:
        """``videos`` whose files pass the checks; the others raise or are left out."""
        problems = {video: self._file_problems(video, infos[video]) for video in videos}
        skipped = handle_bad_videos(problems, self.on_bad_video,
                                    f'{type(self).__name__} ({self.video_info_file})')
        return [video for video in videos if video not in skipped]

    def load_data_list(self) -> list[dict]:
        """Windows as dicts: ``video_name``, ``filename``, ``offset``, ``clip_length``, ...

        Training windows also carry ``gt_annotations`` [N, 3] (start, end,
        label in window frames), ``gt_boundaries`` [2, clip_length] and
        ``splice_length``; test windows carry ``fps`` (sampled frames per second).
        """
        infos = read_video_info(self.video_info_file)
        check_data_folders(self.data_prefix, f'{type(self).__name__} ({self.video_info_file})')
        windows = []
        if self.test_mode:
            for video in self._good_videos(list(infos), infos):
                info = infos[video]
                length = self._length(video, info)
                for offset in window_offsets(length, self.clip_length, self.clip_stride):
                    windows.append(dict(video_name=video, offset=offset,
                                        clip_length=self.clip_length, num_frames=length,
                                        fps=self._rate(info), **self._files(video)))
            return windows
        annotations = read_annotations(self.ann_file, infos, self.class_index_file)
        unannotated = [video for video in infos if video not in annotations]
        if unannotated:
            print_log(f'{len(unannotated)} video(s) of {self.video_info_file} have no annotation '
                      f'in {self.ann_file} and give no training windows: {unannotated}',
                      logger='current', level=logging.WARNING)
        for video in self._good_videos(list(annotations), infos):
            annos, info = annotations[video], infos[video]
            length = self._length(video, info)
            scale = self._rate(info) / info.sample_fps
            annos = [(start * scale, end * scale, label) for start, end, label in annos]
            video_windows, splice_length = training_windows(
                length, annos, self.clip_length, self.clip_stride)
            for window in video_windows:
                windows.append(dict(
                    video_name=video, offset=window['offset'], clip_length=self.clip_length,
                    **self._files(video), num_frames=length, fps=self._rate(info),
                    gt_annotations=window['annotations'],
                    gt_boundaries=window['boundaries'], splice_length=splice_length))
        if not windows:
            raise ValueError(
                f'{type(self).__name__}: no window of {self.clip_length} steps fully contains an '
                f'action of {self.ann_file} in the videos of {self.video_info_file}; check the '
                'files and clip_length')
        return windows


@DATASETS.register_module()
class Thumos14FeatureDataset(Thumos14Dataset):
    """Windows over pre-extracted snippet features, one ``<video>.npy`` of [T, C] per video.

    The layout of the widely used THUMOS14 I3D features: a feature every
    ``feature_stride`` frames of the original video. Windows, annotations
    and ``fps`` are in feature steps (``fps / feature_stride`` per second);
    ``clip_length`` and ``clip_stride`` count feature steps.

    Args:
        feature_stride: Original frames per feature step. Defaults to 4.
        **kwargs: As :class:`Thumos14Dataset`.
    """

    def __init__(self, feature_stride: int = 4, **kwargs) -> None:
        self.feature_stride = feature_stride
        super().__init__(**kwargs)

    def _length(self, video: str, info: VideoInfo) -> int:
        return int(open_array(self._files(video)['filename'], 2, '[T, C] features').shape[0])

    def _file_problems(self, video: str, info: VideoInfo) -> list[str | None]:
        try:
            length = self._length(video, info)
        except (FileNotFoundError, ValueError) as err:
            return [str(err)]
        return [None if length else f"{self._files(video)['filename']} has no feature steps"]

    def _rate(self, info: VideoInfo) -> float:
        return info.fps / self.feature_stride
