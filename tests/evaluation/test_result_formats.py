"""Result writers: ActionFormer's eval_results.pkl and OpenTAD's result JSON round-trip, and
detections written in ActionFormer's format score the mAP our metric gives.

ActionFormer's format is read here as its ``ANETdetection.evaluate`` reads it (a dict of five
parallel columns, integer label_id labels against the annotation JSON's label_id) and scored
with the independent reference of tests/evaluation/test_published_ap.py under ActionFormer's
protocol (duplicate annotations dropped).
"""
import json
import pickle

import numpy as np
import pytest

from gaf_mmaction.evaluation import THUMOS14_TIOUS, Protocol, detection_map, load_ground_truth
from gaf_mmaction.evaluation.result_formats import (
    read_actionformer_results,
    write_results,
)
from gaf_mmaction.evaluation.results_file import read_results
from tests.evaluation.test_published_ap import GT_FILE, random_detections, reference_map
from tests.helpers import run_tool


def float32_results(results: dict) -> dict:
    """The detections with float32 values, which ActionFormer's columns hold exactly."""
    return {v: [dict(label=d['label'], score=float(np.float32(d['score'])),
                     segment=[float(np.float32(t)) for t in d['segment']]) for d in dets]
            for v, dets in results.items()}


@pytest.fixture(scope='module')
def results():
    return float32_results(random_detections(np.random.default_rng(7), 3000))


@pytest.fixture(scope='module')
def classes():
    with open(GT_FILE) as f:
        return sorted({a['label'] for e in json.load(f)['database'].values()
                       for a in e['annotations']})


def test_actionformer_layout_round_trips(tmp_path, results, classes):
    path = tmp_path / 'eval_results.pkl'
    write_results(results, path, 'actionformer', {c: i for i, c in enumerate(classes)})
    with open(path, 'rb') as f:
        columns = pickle.load(f)
    assert set(columns) == {'video-id', 't-start', 't-end', 'label', 'score'}
    assert isinstance(columns['video-id'], list) and columns['label'].dtype == np.int64
    assert {columns[c].dtype for c in ('t-start', 't-end', 'score')} == {np.dtype(np.float32)}
    assert len(columns['video-id']) == sum(map(len, results.values()))
    assert read_actionformer_results(path, classes) == results


def test_opentad_layout_round_trips(tmp_path, results):
    path = tmp_path / 'result_detection.json'
    write_results(results, path, 'opentad')
    assert set(json.loads(path.read_text())) == {'results'}
    assert read_results(path) == (results, 0)


def test_actionformer_results_score_our_map(tmp_path, results, classes):
    ours, _ = detection_map(load_ground_truth(GT_FILE, 'test', Protocol('drop')), results,
                            THUMOS14_TIOUS)
    # The ground truth in ActionFormer's layout (label_id = the class's sorted position, as in
    # ActionFormer's thumos14.json), the detections converted by the tool.
    with open(GT_FILE) as f:
        data = json.load(f)
    for entry in data['database'].values():
        for anno in entry['annotations']:
            anno['label_id'] = classes.index(anno['label'])
    gt = tmp_path / 'thumos14.json'
    gt.write_text(json.dumps(data))
    ours_json = tmp_path / 'ours.json'
    ours_json.write_text(json.dumps(dict(version='THUMOS14', results=results, external_data={})))
    pkl = tmp_path / 'eval_results.pkl'
    run_tool('tools/convert_detections.py', ours_json, 'actionformer', pkl, '--classes', gt)
    with open(pkl, 'rb') as f:
        columns = pickle.load(f)
    by_id: dict[str, list] = {}
    for video, start, end, label, score in zip(columns['video-id'], columns['t-start'].tolist(),
                                               columns['t-end'].tolist(),
                                               columns['label'].tolist(),
                                               columns['score'].tolist()):
        by_id.setdefault(video, []).append(dict(label=label, score=score, segment=[start, end]))
    theirs, _ = reference_map(str(gt), 'test', by_id, THUMOS14_TIOUS, label_key='label_id',
                              drop_duplicates=True)
    assert np.abs(ours - theirs).max() < 1e-9


def test_writer_errors(tmp_path, results):
    with pytest.raises(ValueError, match='give the class list'):
        write_results(results, tmp_path / 'x.pkl', 'actionformer')
    with pytest.raises(KeyError, match="label 'Billiards' has no label_id"):
        write_results(results, tmp_path / 'x.pkl', 'actionformer', {'Diving': 0})
    with pytest.raises(ValueError, match='unknown result format'):
        write_results(results, tmp_path / 'x.json', 'mmdet')
