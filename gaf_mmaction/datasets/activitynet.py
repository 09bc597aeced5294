"""ActivityNet-1.3 as one window per resized video (docs/activitynet.md).

As the published ActivityNet code: every video is re-encoded to at most
``clip_length`` (768) frames (``tools/data/videos_to_npy.py --max-frames``),
one window per video, boundary curves as for THUMOS14, and the splice length
of the splice augmentation is a quarter of the shortest action.
"""
import numpy as np
from mmaction.registry import DATASETS

from ..structures import FIRST_ACTION
from .annotation_files import read_class_list, read_json, shipped_file
from .base import VideoRecord, WholeVideoDataset

SUBSETS = {'train': 'training', 'val': 'validation', 'training': 'training',
           'validation': 'validation'}


@DATASETS.register_module()
class ActivityNetDetectionDataset(WholeVideoDataset):
    """ActivityNet-1.3 videos as ``<video>.npy`` frame arrays ([T <= 768, H, W, C] uint8).

    Parses the video-info JSON of ``tools/data/activitynet_video_info.py`` into
    video records; :class:`WholeVideoDataset` makes each video one window.

    Args:
        ann_file: Video-info JSON: ``{video: {subset, duration, frame_num,
            fps, annotations: [{start_frame, end_frame, label, label_id}]}}``.
        subset: 'training' or 'validation'. Defaults to 'training'.
        class_list_file: ``action_name.txt``; None for the shipped one.
        binary_class: Map every action to label 1 (class-agnostic detection;
            the published ActivityNet model is trained this way and takes
            classes from a video-level classifier). Defaults to True.
        **kwargs: See :class:`WholeVideoDataset` (``clip_length`` 768,
            ``data_prefix``, ``channels``, ``on_bad_video``, ...).
    """

    data_docs = 'docs/data_preparation.md#activitynet-13'
    input_files = (('ann_file', 'video-info JSON', True, None),
                   ('class_list_file', 'class list', False, None))

    def __init__(self, ann_file: str, subset: str = 'training',
                 class_list_file: str | None = None, binary_class: bool = True,
                 **kwargs) -> None:
        self.check_inputs(ann_file=ann_file, class_list_file=class_list_file, **kwargs)
        if subset not in SUBSETS:
            raise ValueError(f'subset must be one of {sorted(SUBSETS)}, got {subset!r}')
        self.subset = SUBSETS[subset]
        self.binary_class = binary_class
        self.class_list_file = class_list_file or shipped_file('activitynet', 'action_name.txt')
        self.class_names = read_class_list(self.class_list_file)
        super().__init__(ann_file=ann_file,
                         classes=['action'] if binary_class else self.class_names,
                         source_files=(ann_file, self.class_list_file), **kwargs)

    def load_videos(self) -> list[VideoRecord]:
        """The subset's videos (training videos need an action with end > start)."""
        database = read_json(self.ann_file, 'ActivityNet video-info file')
        if not isinstance(database, dict):
            raise TypeError(f'{self.ann_file}: expected {{video: info}}, got '
                             f'{type(database).__name__}')
        records = []
        for video, info in database.items():
            if not isinstance(info, dict):
                raise TypeError(f'{self.ann_file}: video {video!r} is not an object of '
                                'subset, duration, frame_num, fps and annotations')
            if info.get('subset') != self.subset:
                continue
            missing = [k for k in ('duration', 'frame_num', 'fps') if k not in info]
            if missing:
                raise KeyError(f'{self.ann_file}: video {video!r} lacks {missing}')
            try:
                num_frames, fps, duration = (int(info['frame_num']), float(info['fps']),
                                             float(info['duration']))
            except (TypeError, ValueError) as err:
                raise ValueError(f'{self.ann_file}: video {video!r} needs a numeric frame_num, '
                                 f'fps and duration ({err})') from None
            if num_frames <= 0 or not fps > 0:
                raise ValueError(f'{self.ann_file}: video {video!r} has frame_num {num_frames} '
                                 f'and fps {fps}; both must be positive')
            actions = None if self.test_mode else self._actions(video, info)
            if actions is None or len(actions):
                records.append(VideoRecord(video, num_frames, fps, actions, duration))
        return records

    def _actions(self, video: str, info: dict) -> np.ndarray:
        """[N, 3] (start frame, end frame, label) of the video's actions with end > start.

        Raises:
            KeyError: An annotation lacks a numeric start_frame, end_frame or label_id.
            ValueError: Its label is not in the class list, or its label_id is not
                that label's line in it (naming the file, video and values).
        """
        rows = []
        for anno in info.get('annotations', []):
            try:
                start, end = float(anno['start_frame']), float(anno['end_frame'])
                label_id = int(anno['label_id'])
            except (KeyError, TypeError, ValueError) as err:
                raise KeyError(f'{self.ann_file}: video {video!r} has an annotation without a '
                               f'numeric start_frame, end_frame and label_id ({err!r})') from None
            label = anno.get('label')
            line = self.class_names.index(label) + 1 if label in self.class_names else None
            if line != label_id:
                raise ValueError(
                    f'{self.ann_file}: video {video!r} has an annotation of label {label!r} '
                    f'with label_id {label_id}, which {self.class_list_file} does not give it '
                    f'(line {line or "none"}): make the video-info file with '
                    'tools/data/activitynet_video_info.py and the same class list')
            rows.append((start, end, FIRST_ACTION if self.binary_class else label_id))
        return np.array([r for r in rows if r[1] > r[0]], dtype=np.float64).reshape(-1, 3)
