"""What the sliding-window and whole-video datasets share: files, checks, metainfo."""
from abc import abstractmethod

from mmengine.dataset import BaseDataset

from ...utils import InputPath, require_inputs, resolve
from ..file_checks import COUNT_SOURCE, handle_bad_videos, stream_file_problems, stream_files
from .video_record import VideoRecord

# What the folder of each data_prefix key holds, for the messages.
STREAM_FOLDERS = dict(video='frame folder', flow='flow folder')


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
    stops a run in its first seconds with every culprit named. Before that,
    a concrete dataset's constructor checks that its folders and annotation
    files exist (:meth:`check_inputs`): the check this project's tools run on
    the whole config before anything is built (:meth:`inputs`), so a missing
    input gets the same one-line message under MMAction2's tools.

    Args:
        classes: Action names in label order (label ``FIRST_ACTION`` first).
        source_files: The files the dataset was read from, which errors name.
        data_prefix: ``dict(video=DIR)``, the folder of the npy files; add
            ``flow=DIR`` for a second (flow) stream.
        channels: Channels per frame for each ``data_prefix`` key; None for
            ``dict(video=3, flow=2)`` (a flow-only dataset sets ``dict(video=2)``).
        frame_size: Side of the square frames the files hold, in pixels (what
            the data preparation wrote, 112); each file is checked against it,
            and the video API resizes a video's frames to it. None (default):
            any size, unchecked.
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
    # The docs section that makes this dataset's files, and whether they hold features (a
    # config's ``features=True`` says so too), for the messages.
    data_docs = 'docs/data_preparation.md#layout'
    holds_features = False
    # The constructor arguments that name files it reads: (argument, what the file is, whether
    # it lies under data_root, the docs section that makes it (None: data_docs)). A None
    # argument (a shipped file, or none) is not checked.
    input_files: tuple[tuple[str, str, bool, str | None], ...] = ()

    @classmethod
    def inputs(cls, cfg: dict) -> list[InputPath]:
        """The folders (``data_prefix``) and files (:attr:`input_files`) that a dataset of
        config ``cfg`` reads, under its ``data_root`` as the dataset resolves them."""
        root = cfg.get('data_root')
        split, loader = (('test', 'test_dataloader') if cfg.get('test_mode')
                         else ('training', 'train_dataloader'))

        def fix(docs: str | None) -> str:
            return (f'prepare it as {docs or cls.data_docs} says, or point data_root at '
                    'where it is (--data-root DIR)')

        folders = (dict(STREAM_FOLDERS, video='feature folder')
                   if cls.holds_features or cfg.get('features') else STREAM_FOLDERS)
        items = [InputPath(resolve(root, folder), f'{loader}.dataset.data_prefix.{key}',
                           f'{folders.get(key, key)} of the {split} data', fix(None),
                           folder=True)
                 for key, folder in (cfg.get('data_prefix') or {}).items() if folder]
        items += [InputPath(resolve(root, cfg[arg]) if under_root else cfg[arg],
                            f'{loader}.dataset.{arg}', f'{what} of the {split} data', fix(docs))
                  for arg, what, under_root, docs in cls.input_files if cfg.get(arg)]
        return items

    @classmethod
    def check_inputs(cls, **cfg) -> None:
        """Refuse a config whose folders or files (:meth:`inputs`) do not exist.

        Raises:
            MissingInputError: One line naming the path, the key and the docs.
        """
        require_inputs(cls.inputs(cfg))

    def __init__(self, classes: list[str], source_files: tuple[str, ...],
                 data_prefix: dict | None = None, channels: dict[str, int] | None = None,
                 frame_size: int | None = None, frame_tolerance: int = 5,
                 on_bad_video: str = 'error', **kwargs) -> None:
        self.channels = dict(video=3, flow=2) if channels is None else channels
        self.frame_size = frame_size
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
                                    self.count_source, self.frame_size)

    def load_data_list(self) -> list[dict]:
        """Every window of every video whose files pass the checks."""
        # (Again for a dataset whose constructor does not check its inputs first.)
        require_inputs(self.inputs(dict(data_prefix=self.data_prefix, test_mode=self.test_mode)))
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
