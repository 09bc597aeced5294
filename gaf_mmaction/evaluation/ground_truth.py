"""Ground truth in the ActivityNet JSON layout (``{"database": {video: {...}}}``) and the
protocol that selects it."""
from collections.abc import Sequence
from dataclasses import dataclass

from ..datasets.annotation_files import read_json

DUPLICATE_POLICIES = ('keep', 'drop')
# ActionFormer's tolerance (seconds) for two annotations to be the same, and for one to be empty.
DUPLICATE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Protocol:
    """Which ground-truth annotations count (docs/datasets.md, "Evaluation protocols").

    Attributes:
        duplicates: 'keep' every annotation (the published evaluator) or
            'drop' those of the same label whose start and end lie within
            1e-3 s of an earlier one's, and those shorter than 1e-3 s
            (ActionFormer's ``remove_duplicate_annotations``, which OpenTAD's
            evaluator applies too).
        ignore_labels: Labels whose annotations (and detections) are left
            out, e.g. ``('Ambiguous',)`` as OpenTAD's THUMOS14 datasets do.
    """

    duplicates: str = 'keep'
    ignore_labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.duplicates not in DUPLICATE_POLICIES:
            raise ValueError(f'duplicates must be one of {DUPLICATE_POLICIES}, got '
                             f'{self.duplicates!r}')
        if isinstance(self.ignore_labels, str):
            raise TypeError(f'ignore_labels must be a list of labels, got the string '
                            f'{self.ignore_labels!r}: write [{self.ignore_labels!r}]')
        object.__setattr__(self, 'ignore_labels', tuple(self.ignore_labels))

    def select(self, actions: list[tuple[float, float, str]]) -> list[tuple[float, float, str]]:
        """The annotations of one video that count, in file order."""
        kept: list[tuple[float, float, str]] = []
        for start, end, label in actions:
            if label in self.ignore_labels:
                continue
            if self.duplicates == 'drop' and (end - start < DUPLICATE_TOLERANCE or any(
                    abs(start - s) <= DUPLICATE_TOLERANCE and abs(end - e) <= DUPLICATE_TOLERANCE
                    and label == lab for s, e, lab in kept)):
                continue
            kept.append((start, end, label))
        return kept

    def describe(self) -> str:
        """One line for the mAP table: what was counted."""
        duplicates = ('duplicate annotations kept (published evaluator)' if self.duplicates == 'keep'
                      else 'duplicate annotations dropped (ActionFormer/OpenTAD)')
        ignored = (f'labels {", ".join(self.ignore_labels)} ignored' if self.ignore_labels
                   else 'no label ignored')
        return f'{duplicates}; {ignored}'


def load_ground_truth(path: str, subset: str, protocol: Protocol | None = None
                      ) -> dict[str, list[tuple[float, float, str]]]:
    """{video: [(start s, end s, label name)]} for the videos of ``subset``.

    Segments may be numbers or numeric strings (as in THUMOS14's
    ``thumos_gt.json``). Video ids are used exactly as written. ``protocol``
    (default: the published one, everything kept) selects the annotations.

    Raises:
        KeyError: Naming the file, video and missing key of a malformed entry.
    """
    protocol = protocol or Protocol()
    data = read_json(path, 'ground-truth file')
    if not isinstance(data, dict) or 'database' not in data:
        raise KeyError(f'{path}: no "database" key (ActivityNet ground-truth layout expected)')
    videos = {}
    for video, entry in data['database'].items():
        if entry.get('subset') != subset:
            continue
        if 'annotations' not in entry:
            raise KeyError(f'{path}: video {video!r} has no "annotations"')
        actions = []
        for i, anno in enumerate(entry['annotations']):
            try:
                start, end = (float(t) for t in anno['segment'])
                actions.append((start, end, anno['label']))
            except (KeyError, TypeError, ValueError) as err:
                raise KeyError(f'{path}: video {video!r}, annotation {i}: needs "segment" '
                               f'[start, end] and "label" ({err})') from None
        videos[video] = protocol.select(actions)
    if not videos:
        subsets = sorted({str(e.get('subset')) for e in data['database'].values()})
        raise KeyError(f'{path}: no video of subset {subset!r} (its subsets: {subsets})')
    return videos


def count_actions(ground_truth: dict[str, Sequence]) -> int:
    """Ground-truth actions over all videos."""
    return sum(len(actions) for actions in ground_truth.values())
