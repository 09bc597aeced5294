"""A dataset of a made-up annotation format, built on the sliding-window base: one line per
video, ``name frames fps: start-end label, ...`` (seconds; class names)."""
from pathlib import Path

import numpy as np
from mmaction.registry import DATASETS

from gaf_mmaction.datasets.base import SlidingWindowDataset, VideoRecord
from gaf_mmaction.structures import FIRST_ACTION


@DATASETS.register_module()
class MadeUpDataset(SlidingWindowDataset):
    """Videos and actions of one ``clips.txt``; ``classes`` in label order."""

    def __init__(self, ann_file: str, classes: list[str], **kwargs) -> None:
        super().__init__(ann_file=ann_file, classes=classes, source_files=(ann_file, ),
                         **kwargs)

    def load_videos(self) -> list[VideoRecord]:
        records = []
        for line in Path(self.ann_file).read_text().splitlines():
            head, _, actions = line.partition(':')
            name, frames, fps = head.split()
            rows = [(float(span.split('-')[0]) * float(fps), float(span.split('-')[1])
                     * float(fps), self.metainfo['classes'].index(label) + FIRST_ACTION)
                    for span, label in (a.split() for a in actions.split(',') if a.strip())]
            records.append(VideoRecord(name, int(frames), float(fps),
                                       np.array(rows).reshape(-1, 3) if rows else None))
        return records if self.test_mode else [r for r in records if r.actions is not None]
