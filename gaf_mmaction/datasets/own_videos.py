"""Your own videos: one ActivityNet-style JSON and a class list (docs/your_own_data.md).

The JSON is both the annotation and the metric's ground truth, so their subsets and classes
cannot drift apart::

    {"database": {"<video>": {"subset": "training", "duration": 31.5,
                               "annotations": [{"segment": [2.0, 7.5], "label": "jump"}]}}}

Segments and durations are in seconds. The videos are the npy files of ``data_prefix``
(frames, as ``tools/data/videos_to_npy.py`` writes them, or features, as
``tools/data/extract_features.py`` does), ``steps_per_second`` time steps a second.
"""
import numpy as np
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from ..structures import FIRST_ACTION
from .annotation_files import read_class_list, read_json, under_root
from .base import SlidingWindowDataset, VideoRecord
from .file_checks import feature_file_problem


def read_database(path: str) -> dict[str, dict]:
    """The ``database`` of an ActivityNet-style JSON, checked for its layout.

    Raises:
        KeyError: Naming the file (and video) when the layout is not as above.
    """
    data = read_json(path, 'annotation file')
    if not isinstance(data, dict) or not isinstance(data.get('database'), dict):
        raise KeyError(f'{path}: expected {{"database": {{video: {{"subset", "duration", '
                       '"annotations"}}}}}} (docs/your_own_data.md)')
    for video, entry in data['database'].items():
        missing = [k for k in ('subset', 'duration') if not isinstance(entry, dict) or k not in entry]
        if missing:
            raise KeyError(f'{path}: video {video!r} lacks {missing}')
    return data['database']


@DATASETS.register_module()
class OwnVideosDataset(SlidingWindowDataset):
    """The videos of one subset of an ActivityNet-style JSON, in sliding windows.

    Each video is ``round(duration * steps_per_second)`` time steps long (the
    file checks accept ``frame_tolerance`` steps more or fewer, so a wrong
    ``steps_per_second`` stops the run naming the videos and both counts);
    its actions are the segments times ``steps_per_second``. Features
    (``features=True``) describe the centres of their snippets, as
    ``tools/data/extract_features.py`` writes them: step ``s`` shows time
    ``(s + snippet_length / 2 / feature_stride) / steps_per_second``, and the
    actions shift by that origin (frames: step ``s`` is time
    ``s / steps_per_second``). The dataset's
    metainfo names the JSON and the subset, from which
    ``TemporalDetectionMetric`` (``gt_file=None``) takes its ground truth.

    Args:
        ann_file: The JSON (under ``data_root`` when relative).
        subset: The subset to read ('training', 'validation', 'testing', or
            any name the JSON uses).
        class_file: One class name per line, in label order; None: the
            sorted labels of the whole JSON.
        steps_per_second: Time steps per second of the npy files: 10 for
            frames at 10 fps; ``10 / stride`` for features every ``stride``
            frames. Defaults to 10.
        features: The npy files are [T, C] features, not frames. Defaults
            to False.
        snippet_length: Frames per feature snippet (features only).
            Defaults to 16, ``extract_features.py``'s ``--snippet``.
        feature_stride: Frames between features (features only). Defaults
            to 4, ``extract_features.py``'s ``--stride``.
        **kwargs: See :class:`SlidingWindowDataset` (``clip_length``,
            ``clip_stride``, ``data_prefix``, ``pipeline``, ``test_mode``, ...).

    Raises:
        ValueError: When the subset has no video (naming the subsets the JSON
            has), or an annotation's label is not a class (naming the video).
    """

    count_source = "its annotation's duration x steps_per_second"
    data_docs = 'docs/your_own_data.md#2-frames'
    input_files = tuple((arg, what, True, 'docs/your_own_data.md#3-the-annotation-json')
                        for arg, what in (('ann_file', 'annotation JSON'),
                                          ('class_file', 'class list')))

    def __init__(self, ann_file: str, subset: str, class_file: str | None = None,
                 steps_per_second: float = 10.0, features: bool = False,
                 snippet_length: int = 16, feature_stride: int = 4, **kwargs) -> None:
        self.check_inputs(ann_file=ann_file, class_file=class_file, **kwargs)
        self.features = features
        # Steps from the video's start to the time step 0 shows: its snippet's centre.
        self.origin = snippet_length / 2 / feature_stride if features else 0.0
        root = kwargs.get('data_root') or ''
        self.json_file = under_root(root, ann_file)
        self.subset = subset
        self.steps_per_second = steps_per_second
        self.database = read_database(self.json_file)
        class_path = under_root(root, class_file)
        classes = read_class_list(class_path) if class_path else sorted(
            {a['label'] for e in self.database.values() for a in e.get('annotations', [])})
        if not classes:
            raise ValueError(f'{self.json_file} has no annotation to take class names from: '
                             'give class_file')
        super().__init__(ann_file=ann_file, classes=classes,
                         source_files=(self.json_file, class_path or self.json_file), **kwargs)
        # What the metric scores against (gt_file=None): this file and subset.
        self._metainfo.update(ground_truth_file=self.json_file, ground_truth_subset=subset)

    def load_videos(self) -> list[VideoRecord]:
        entries = {v: e for v, e in self.database.items() if e['subset'] == self.subset}
        if not entries:
            subsets = sorted({e['subset'] for e in self.database.values()})
            raise ValueError(f'{self.json_file} has no video in subset {self.subset!r}; its '
                             f'subsets are {subsets}: set the dataset\'s subset to one of them')
        classes, fps = self.metainfo['classes'], self.steps_per_second
        records = []
        for video, entry in entries.items():
            actions = []
            for anno in entry.get('annotations', []):
                if anno['label'] not in classes:
                    raise ValueError(f'{self.json_file}: video {video!r} has label '
                                     f'{anno["label"]!r}, which is not one of the classes '
                                     f'({", ".join(classes[:5])}, ...) of {self.source}')
                start, end = (float(t) * fps - self.origin for t in anno['segment'])
                actions.append((start, end, classes.index(anno['label']) + FIRST_ACTION))
            records.append(VideoRecord(video, round(float(entry['duration']) * fps), fps,
                                       actions=np.asarray(actions).reshape(-1, 3) if actions
                                       else None,
                                       duration=float(entry['duration']), origin=self.origin))
        if self.test_mode:
            return records
        annotated = [r for r in records if r.actions is not None]
        if len(annotated) < len(records):
            print_log(f'{len(records) - len(annotated)} video(s) of subset {self.subset!r} of '
                      f'{self.json_file} have no annotation and give no training windows',
                      logger='current')
        return annotated

    def file_problems(self, record: VideoRecord) -> list[str | None]:
        if not self.features:
            return super().file_problems(record)
        return [feature_file_problem(self.files_of(record)['filename'], record.num_frames,
                                     self.frame_tolerance, self.count_source)]
