"""Feature releases in OpenTAD's layout, read as downloaded (docs/datasets.md).

The annotation JSON::

    {"database": {"<video>": {"subset": "validation", "duration": 169.79, "frame": 5094,
        "annotations": [{"label": "Billiards", "segment": [139.3, 148.2]}]}}}

with ``category_idx.txt`` naming one class a line (line order gives labels 1..N). A video's rate
is ``frame / duration`` unless the release's geometry fixes one (ActivityNet, HACS,
FineAction); labels in ``ignore_labels`` (THUMOS14's ``Ambiguous``) are skipped, as OpenTAD's
datasets skip them, as are empty segments; videos named in ``block_list`` (OpenTAD's ``missing_files.txt``) are left
out.
"""
import os.path as osp
from collections.abc import Sequence

from mmaction.registry import DATASETS

from ..structures import FIRST_ACTION
from .actionformer import positive_segments, read_annotation_database, read_segment
from .annotation_files import read_class_list, read_lines, under_root
from .base import SlidingWindowDataset, SnippetFeatures, VideoRecord, WholeVideoDataset


class OpenTADLayout(SnippetFeatures):
    """Parses OpenTAD's annotation JSON and class file into feature records.

    Args:
        ann_file: The annotation JSON (under ``data_root`` when relative).
        subset: Its subset to read, as written ('training', 'validation', ...).
        class_map: ``category_idx.txt`` (under ``data_root`` when relative).
        release: A preset of :data:`~gaf_mmaction.datasets.feature_releases.FEATURE_RELEASES`.
        geometry: Keys of :class:`~gaf_mmaction.datasets.feature_geometry.FeatureGeometry`
            overriding the preset's.
        stream: 'rgb' or 'flow' to read one stream of two-stream features; None: all channels.
        ignore_labels: Annotation labels skipped. Defaults to ('Ambiguous',), as
            OpenTAD's THUMOS14 datasets; () keeps them (then they must be classes).
        block_list: Videos to leave out: a file of one name a line (under
            ``data_root`` when relative; a missing file blocks nothing, as OpenTAD
            ships one only where videos lack features) or a list.
        class_agnostic: One class, 'action' (labelled by a video-level classifier
            at test time). Defaults to False.
        **kwargs: See the window base (``clip_length``, ``data_prefix``, ...).
    """

    data_docs = 'docs/datasets.md'
    input_files = (('ann_file', 'annotation JSON', True, None),
                   ('class_map', 'class file', True, None))

    def __init__(self, ann_file: str, subset: str, class_map: str, release: str | None = None,
                 geometry: dict | None = None, stream: str | None = None,
                 ignore_labels: Sequence[str] = ('Ambiguous', ),
                 block_list: str | Sequence[str] | None = None, class_agnostic: bool = False,
                 **kwargs) -> None:
        self.check_inputs(ann_file=ann_file, class_map=class_map, **kwargs)
        self.setup_features(release, geometry, stream)
        root = kwargs.get('data_root') or ''
        self.json_file = under_root(root, ann_file)
        self.class_file = under_root(root, class_map)
        self.database = read_annotation_database(self.json_file)
        self.subset = subset
        self.ignore_labels = tuple(ignore_labels)
        self.blocked = self.read_block_list(root, block_list)
        self.class_names = read_class_list(self.class_file)
        self.class_agnostic = class_agnostic
        super().__init__(ann_file=ann_file,
                         classes=['action'] if class_agnostic else self.class_names,
                         source_files=(self.json_file, self.class_file), **kwargs)
        self._metainfo.update(ground_truth_file=self.json_file, ground_truth_subset=subset)

    @staticmethod
    def read_block_list(root: str, block_list: str | Sequence[str] | None) -> frozenset[str]:
        if block_list is None:
            return frozenset()
        if not isinstance(block_list, str):
            return frozenset(block_list)
        path = under_root(root, block_list)
        if not osp.isfile(path):
            return frozenset()
        return frozenset(line.strip() for line in read_lines(path, 'block list') if line.strip())

    def label_of(self, video: str, label: str) -> int:
        """Our label of an annotation's class name.

        Raises:
            ValueError: The name is not in the class file (naming both files and the video).
        """
        if label not in self.class_names:
            raise ValueError(f'{self.json_file}: video {video!r} has label {label!r}, which '
                             f'{self.class_file} does not list (add it there, or to the '
                             'dataset\'s ignore_labels)')
        return FIRST_ACTION if self.class_agnostic else self.class_names.index(label) + FIRST_ACTION

    def load_videos(self) -> list[VideoRecord]:
        entries = {v: e for v, e in self.database.items()
                   if e['subset'] == self.subset and v not in self.blocked}
        if not entries:
            subsets = sorted({str(e['subset']) for e in self.database.values()})
            raise ValueError(f'{self.json_file} has no video in subset {self.subset!r} (less '
                             f'the block list); its subsets are {subsets}')
        records = []
        for video, entry in entries.items():
            actions = None if self.test_mode else positive_segments([
                (*read_segment(self.json_file, video, a), self.label_of(video, a.get('label')))
                for a in entry.get('annotations', []) if a.get('label') not in self.ignore_labels])
            if actions == []:
                continue
            try:
                duration = float(entry['duration'])
                fps = float(entry['frame']) / duration if 'frame' in entry else None
            except (KeyError, TypeError, ValueError, ZeroDivisionError) as err:
                raise ValueError(f'{self.json_file}: video {video!r} needs a positive numeric '
                                 f'"duration" (and "frame") ({err!r})') from None
            records.append(self.feature_record(video, actions, fps, duration))
        return records


@DATASETS.register_module()
class OpenTADFeatureDataset(OpenTADLayout, SlidingWindowDataset):
    """An OpenTAD release in sliding windows of feature steps (THUMOS14, Multi-THUMOS, HACS,
    FineAction). Args: see :class:`OpenTADLayout` and :class:`SlidingWindowDataset`."""


@DATASETS.register_module()
class OpenTADResizedFeatureDataset(OpenTADLayout, WholeVideoDataset):
    """An OpenTAD release resampled to ``resize_length`` steps per video, one window each
    (ActivityNet TSP). Args: see :class:`OpenTADLayout` and :class:`WholeVideoDataset`
    (``clip_length`` at least the geometry's ``resize_length``)."""

    def windows_of(self, record: VideoRecord) -> list[dict]:
        self.check_resized()
        return super().windows_of(record)
