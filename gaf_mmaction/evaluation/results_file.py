"""Reading a detections JSON ({"results": {video: [{label, score, segment}]}}) with named errors."""
import json
from pathlib import Path

import numpy as np

from .detection_map import usable_detections


class ResultsFileError(ValueError):
    """A detections file that cannot be evaluated: names the file, video and entry."""


def _number(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ResultsFileError(f'{where}: expected a number, got {value!r}')
    try:
        return float(value)
    except ValueError:
        raise ResultsFileError(f'{where}: expected a number, got {value!r}') from None


def read_results(path: str | Path) -> tuple[dict[str, list[dict]], int]:
    """The detections of ``path``, less those that can never match, and how many those were.

    Scores and segment bounds may be numbers or numeric strings. A
    detection that :func:`usable_detections` refuses (a non-finite bound or
    score, or its end before its start) is left out and counted, as the
    metric does.

    Raises:
        FileNotFoundError: No such file.
        ResultsFileError: Not JSON, empty, no ``results`` mapping, or an
            entry without a label, a numeric score or a two-number segment;
            the message names the file, the video and the entry's index.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f'No such detections file: {path}')
    try:
        data = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsFileError(f'{path} is not valid JSON ({err})') from None
    results = data.get('results') if isinstance(data, dict) else None
    if not isinstance(results, dict):
        raise ResultsFileError(f'{path}: expected {{"results": {{video: [detections]}}}}, got '
                               f'{type(results if isinstance(data, dict) else data).__name__} '
                               'for "results"')
    clean, dropped = {}, 0
    for video, detections in results.items():
        if not isinstance(detections, list):
            raise ResultsFileError(f'{path}: video {video!r}: expected a list of detections, '
                                   f'got {type(detections).__name__}')
        parsed = []
        for i, det in enumerate(detections):
            where = f'{path}: video {video!r}, detection {i}'
            if not isinstance(det, dict) or not isinstance(det.get('label'), str):
                raise ResultsFileError(f'{where}: needs "label" (a class name), "score" and '
                                       f'"segment"; got {det!r}')
            if 'score' not in det:
                raise ResultsFileError(f'{where}: no "score"')
            segment = det.get('segment')
            if not isinstance(segment, (list, tuple)) or len(segment) != 2:
                raise ResultsFileError(f'{where}: "segment" must be [start, end], got {segment!r}')
            parsed.append(dict(label=det['label'], score=_number(det['score'], f'{where}, score'),
                               segment=[_number(t, f'{where}, segment') for t in segment]))
        usable = usable_detections(np.array([d['segment'] for d in parsed]).reshape(-1, 2),
                                   np.array([d['score'] for d in parsed]))
        clean[video] = [d for d, keep in zip(parsed, usable) if keep]
        dropped += int((~usable).sum())
    return clean, dropped
