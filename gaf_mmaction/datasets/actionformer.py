"""Feature releases in ActionFormer's layout, read as downloaded (docs/datasets.md).

The annotation JSON::

    {"version": ..., "database": {"<video>": {"subset": "Validation", "duration": 169.79,
        "fps": 30.0, "annotations": [{"label": "Billiards", "segment": [139.3, 148.2],
                                      "segment(frames)": [4179.0, 4446.0], "label_id": 2}]}}}

Subsets are matched ignoring case (ActionFormer lowercases them); labels are the ``label_id``
of the file (0-based; ours are ``label_id + FIRST_ACTION``); a video's rate is its ``fps``
unless the release's geometry fixes one (ActivityNet, EPIC-Kitchens, Ego4D); annotations that
do not end after they start are dropped. The features are ``<file_prefix><video><file_ext>``
in ``data_prefix.video``.
"""
from mmaction.registry import DATASETS

from ..structures import FIRST_ACTION
from .annotation_files import read_json, under_root
from .base import SlidingWindowDataset, SnippetFeatures, VideoRecord, WholeVideoDataset


def read_annotation_database(path: str) -> dict[str, dict]:
    """The ``database`` of an ActivityNet-style annotation JSON (ActionFormer, OpenTAD).

    Raises:
        KeyError: Naming the file (and video) when it is not ``{"database": {video:
            {"subset", "annotations", ...}}}``.
    """
    data = read_json(path, 'annotation file')
    if not isinstance(data, dict) or not isinstance(data.get('database'), dict):
        raise KeyError(f'{path}: expected {{"database": {{video: {{"subset", "duration", '
                       '"annotations"}}}}}}')
    for video, entry in data['database'].items():
        if not isinstance(entry, dict) or 'subset' not in entry:
            raise KeyError(f'{path}: video {video!r} has no "subset"')
    return data['database']


def label_id_classes(path: str, database: dict[str, dict], num_classes: int | None) -> list[str]:
    """Class names indexed by ``label_id`` (an id no annotation uses: a placeholder name).

    Raises:
        ValueError: A label with two ids or an id with two labels, or an id
            outside ``num_classes`` (naming the file, video and values).
    """
    names: dict[int, str] = {}
    ids: dict[str, int] = {}
    for video, entry in database.items():
        for anno in entry.get('annotations', []):
            try:
                label_id, label = int(anno['label_id']), anno['label']
            except (KeyError, TypeError, ValueError) as err:
                raise ValueError(f'{path}: video {video!r} has an annotation without "label" '
                                 f'and an integer "label_id" ({err!r})') from None
            if (names.setdefault(label_id, label) != label
                    or ids.setdefault(label, label_id) != label_id):
                raise ValueError(f'{path}: video {video!r}: label {label!r} / label_id '
                                 f'{label_id} disagrees with an earlier annotation')
            if label_id < 0 or (num_classes is not None and label_id >= num_classes):
                raise ValueError(f'{path}: video {video!r} has label_id {label_id}, outside '
                                 f'0..{(num_classes or 1) - 1}')
    count = num_classes or (max(names) + 1 if names else 0)
    return [names.get(i, f'(label_id {i}: no annotation in {path})') for i in range(count)]


def read_segment(path: str, video: str, anno: dict) -> tuple[float, float]:
    """An annotation's ``segment`` [start, end] in seconds.

    Raises:
        ValueError: Naming the file and video when it is not two numbers.
    """
    try:
        start, end = (float(t) for t in anno['segment'])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f'{path}: video {video!r} has an annotation without a numeric '
                         f'"segment": [start, end] ({err!r})') from None
    return start, end


def positive_segments(actions: list[tuple[float, float, int]]) -> list[tuple[float, float, int]]:
    """The actions that end after they start (release files have a few empty ones, which
    OpenTAD drops too)."""
    return [a for a in actions if a[1] > a[0]]


class ActionFormerLayout(SnippetFeatures):
    """Parses ActionFormer's annotation JSON into feature records (see the module docstring).

    Args:
        ann_file: The annotation JSON (under ``data_root`` when relative).
        subset: Its subset to read, any case ('Validation', 'test', 'training', ...).
        release: A preset of :data:`~gaf_mmaction.datasets.feature_releases.FEATURE_RELEASES`.
        geometry: Keys of :class:`~gaf_mmaction.datasets.feature_geometry.FeatureGeometry`
            overriding the preset's.
        stream: 'rgb' or 'flow' to read one stream of two-stream features; None: all channels.
        num_classes: The label_id count (ActionFormer's ``num_classes``); None: the
            largest label_id + 1.
        class_agnostic: One class, 'action' (ActionFormer's ActivityNet setting,
            labelled by a video-level classifier at test time). Defaults to False.
        **kwargs: See the window base (``clip_length``, ``data_prefix``, ...).
    """

    data_docs = 'docs/datasets.md'
    input_files = (('ann_file', 'annotation JSON', True, None), )

    def __init__(self, ann_file: str, subset: str, release: str | None = None,
                 geometry: dict | None = None, stream: str | None = None,
                 num_classes: int | None = None, class_agnostic: bool = False,
                 **kwargs) -> None:
        self.check_inputs(ann_file=ann_file, **kwargs)
        self.setup_features(release, geometry, stream)
        self.json_file = under_root(kwargs.get('data_root') or '', ann_file)
        self.database = read_annotation_database(self.json_file)
        self.subset = subset
        self.class_agnostic = class_agnostic
        classes = ['action'] if class_agnostic else label_id_classes(
            self.json_file, self.database, num_classes)
        super().__init__(ann_file=ann_file, classes=classes, source_files=(self.json_file, ),
                         **kwargs)
        # What the metric scores against (gt_file=None): this file, its own subset spelling.
        self._metainfo.update(ground_truth_file=self.json_file,
                              ground_truth_subset=self.subset_spelling())

    def subset_spelling(self) -> str:
        """The subset as the file writes it (ActionFormer's 'Test' for 'test').

        Raises:
            ValueError: No video is in the subset (listing the file's subsets).
        """
        spellings = {e['subset'] for e in self.database.values()
                     if str(e['subset']).lower() == self.subset.lower()}
        if not spellings:
            subsets = sorted({str(e['subset']) for e in self.database.values()})
            raise ValueError(f'{self.json_file} has no video in subset {self.subset!r}; its '
                             f'subsets are {subsets}')
        return min(spellings)

    def load_videos(self) -> list[VideoRecord]:
        subset = self.subset_spelling()
        records = []
        for video, entry in self.database.items():
            if entry['subset'] != subset:
                continue
            actions = None if self.test_mode else positive_segments([
                (*read_segment(self.json_file, video, a),
                 FIRST_ACTION if self.class_agnostic else int(a['label_id']) + FIRST_ACTION)
                for a in entry.get('annotations', [])])
            if actions == []:
                continue
            duration = float(entry['duration']) if entry.get('duration') is not None else None
            fps = float(entry['fps']) if entry.get('fps') is not None else None
            records.append(self.feature_record(video, actions, fps, duration))
        return records


@DATASETS.register_module()
class ActionFormerFeatureDataset(ActionFormerLayout, SlidingWindowDataset):
    """An ActionFormer release in sliding windows of feature steps (THUMOS14, EPIC-Kitchens,
    Ego4D). Args: see :class:`ActionFormerLayout` and :class:`SlidingWindowDataset`."""


@DATASETS.register_module()
class ActionFormerResizedFeatureDataset(ActionFormerLayout, WholeVideoDataset):
    """An ActionFormer release resampled to ``resize_length`` steps per video, one window each
    (ActivityNet TSP). Args: see :class:`ActionFormerLayout` and :class:`WholeVideoDataset`
    (``clip_length`` at least the geometry's ``resize_length``)."""

    def windows_of(self, record: VideoRecord) -> list[dict]:
        self.check_resized()
        return super().windows_of(record)

