"""Detections in the result formats of ActionFormer and OpenTAD (docs/datasets.md).

Ours (``tools/test.py --out``) is ``{"version", "results": {video: [{"label", "score",
"segment": [start, end]}]}, "external_data"}``, seconds. The others:

- ActionFormer's ``eval_results.pkl``: a pickled dict of five parallel columns, ``video-id``
  (list of str), ``t-start``, ``t-end``, ``score`` (float32 arrays, seconds) and ``label``
  (int64 array of the annotation JSON's ``label_id``), which its ``ANETdetection.evaluate``
  and visualisers read.
- OpenTAD's ``result_detection.json``: ``{"results": {video: [{"segment", "label", "score"}]}}``
  with class names, which its ``mAP`` evaluator reads.
"""
import json
import pickle
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..datasets.actionformer import label_id_classes, read_annotation_database
from ..datasets.annotation_files import read_class_list

FORMATS = ('actionformer', 'opentad')
ACTIONFORMER_COLUMNS = ('video-id', 't-start', 't-end', 'label', 'score')


def to_actionformer(results: dict[str, list[dict]], label_ids: dict[str, int]) -> dict:
    """ActionFormer's columns of ``results`` (labels by ``label_ids``: name -> label_id).

    Raises:
        KeyError: A detection's label has no id (naming it and the video).
    """
    videos, starts, ends, labels, scores = [], [], [], [], []
    for video, detections in results.items():
        for det in detections:
            if det['label'] not in label_ids:
                raise KeyError(f'video {video!r}: label {det["label"]!r} has no label_id in the '
                               f'class list given ({len(label_ids)} classes)')
            videos.append(video)
            starts.append(det['segment'][0])
            ends.append(det['segment'][1])
            labels.append(label_ids[det['label']])
            scores.append(det['score'])
    return {'video-id': videos, 't-start': np.asarray(starts, np.float32),
            't-end': np.asarray(ends, np.float32), 'label': np.asarray(labels, np.int64),
            'score': np.asarray(scores, np.float32)}


def from_actionformer(columns: dict, label_names: Sequence[str]) -> dict[str, list[dict]]:
    """Our ``results`` from ActionFormer's columns (``label_names[label_id]`` the name).

    Raises:
        KeyError: A missing column or a label_id outside ``label_names``.
    """
    missing = [c for c in ACTIONFORMER_COLUMNS if c not in columns]
    if missing:
        raise KeyError(f'ActionFormer results lack the column(s) {missing}')
    results: dict[str, list[dict]] = {}
    for video, start, end, label, score in zip(
            columns['video-id'], *(np.asarray(columns[c]).tolist() for c in ACTIONFORMER_COLUMNS[1:])):
        if not 0 <= label < len(label_names):
            raise KeyError(f'video {video!r}: label_id {label} is not one of the '
                           f'{len(label_names)} classes')
        results.setdefault(video, []).append(
            dict(label=label_names[label], score=score, segment=[start, end]))
    return results


def to_opentad(results: dict[str, list[dict]]) -> dict:
    """OpenTAD's result JSON content of ``results``."""
    return {'results': {video: [dict(segment=list(d['segment']), label=d['label'],
                                     score=d['score']) for d in detections]
                        for video, detections in results.items()}}


def write_results(results: dict[str, list[dict]], path: str | Path, fmt: str,
                  label_ids: dict[str, int] | None = None) -> None:
    """Write ``results`` to ``path`` as ``fmt`` ('actionformer' needs ``label_ids``).

    Raises:
        ValueError: An unknown format, or 'actionformer' without ``label_ids``.
    """
    if fmt not in FORMATS:
        raise ValueError(f'unknown result format {fmt!r}; known: {FORMATS}')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == 'opentad':
        path.write_text(json.dumps(to_opentad(results)))
        return
    if label_ids is None:
        raise ValueError('ActionFormer results name classes by label_id: give the class list '
                         'or the annotation JSON')
    with open(path, 'wb') as f:
        pickle.dump(to_actionformer(results, label_ids), f)


def read_actionformer_results(path: str | Path, label_names: Sequence[str]
                              ) -> dict[str, list[dict]]:
    """Our ``results`` from an ActionFormer ``eval_results.pkl`` (see :func:`from_actionformer`).

    Only open a pickle you trust: unpickling can run code.
    """
    with open(path, 'rb') as f:
        return from_actionformer(pickle.load(f), label_names)


def class_ids(path: str | Path) -> list[str]:
    """Class names by id (0-based) from an ActionFormer annotation JSON (its ``label_id``) or
    a class list, one name a line (OpenTAD's ``category_idx.txt``)."""
    path = str(path)
    if path.endswith('.json'):
        return label_id_classes(path, read_annotation_database(path), None)
    return read_class_list(path)
