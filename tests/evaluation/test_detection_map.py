"""Detection mAP: perfect detections, a hand-computed case, metric vs evaluation tool.

The mAP arithmetic is float64 (precision and recall sums of a few hundred terms at most, each
rounding within 2^-53) and scores pass through float32 at most once (2^-24): hand values are
compared within pytest.approx's relative 1e-6, which also stays below any AP a changed match
would move (1 / the ground truths of a class)."""
import json

import numpy as np
import pytest
import torch
from mmaction.registry import METRICS

from gaf_mmaction.datasets.annotation_files import read_class_names, shipped_file
from gaf_mmaction.evaluation import (
    THUMOS14_AVERAGE_TIOUS,
    THUMOS14_TIOUS,
    TemporalDetectionMetric,
    VideoPostProcessor,
    build_post_processor,
    detection_map,
    load_ground_truth,
    map_table,
    merge_windows,
    relabel_by_video_classes,
)
from gaf_mmaction.evaluation.video_merging import clip_to_durations, keep_top_per_video
from tests.helpers import run_tool


def test_ground_truth_equal_detections_score_one():
    gt = load_ground_truth(shipped_file('thumos14', 'thumos_gt.json'), 'test')
    assert len(gt) == 210 and sum(map(len, gt.values())) == 3311
    results = {video: [dict(label=label, score=1.0, segment=[start, end])
                       for start, end, label in actions] for video, actions in gt.items()}
    mean_ap, per_class = detection_map(gt, results, THUMOS14_TIOUS)
    assert len(per_class) == 20 and np.allclose(mean_ap, 1.0)


def test_hand_computed_ap():
    gt = {'v1': [(0.0, 10.0, 'A'), (20.0, 30.0, 'A')], 'v2': [(0.0, 10.0, 'B')]}
    results = {
        'v1': [dict(label='A', score=0.9, segment=[0, 10]),     # TP (IoU 1)
               dict(label='A', score=0.8, segment=[0, 9]),      # duplicate: FP at 0.5
               dict(label='A', score=0.7, segment=[20, 26])],   # IoU 0.6: TP at 0.5, FP at 0.7
        'v2': [dict(label='A', score=0.95, segment=[0, 10]),    # video without A: FP
               dict(label='B', score=0.5, segment=[5, 15])],    # IoU 1/3: FP at 0.5
        'unknown': [dict(label='A', score=1.0, segment=[0, 1])],  # not in the ground truth
    }
    mean_ap, per_class = detection_map(gt, results, (0.3, 0.5, 0.7))
    # Class A ranks FP, TP, FP, TP at 0.5: precision 1/2 at recall 1/2, 2/4 at recall 1;
    # interpolated AP = 0.5 * 0.5 + 0.5 * 0.5 = 0.5. At 0.7 only one TP: AP = 0.5 * 0.5.
    assert per_class['A'].tolist() == pytest.approx([0.5, 0.5, 0.25])
    # Class B: IoU 1/3 is a TP at 0.3 (AP 1), nothing above.
    assert per_class['B'].tolist() == pytest.approx([1.0, 0.0, 0.0])
    assert mean_ap.tolist() == pytest.approx([0.75, 0.25, 0.125])


def test_average_follows_the_thumos14_protocol():
    metrics, table = map_table(THUMOS14_TIOUS, np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3]),
                               THUMOS14_AVERAGE_TIOUS)
    assert metrics['mAP@0.1'] == 0.9 and metrics['mAP_avg'] == pytest.approx(0.5)
    assert map_table((0.5, 0.7), np.array([0.4, 0.2]), None)[0]['mAP_avg'] == pytest.approx(0.3)
    assert 'mAP_avg' in table.splitlines()[0]


def window(video, segments, scores, labels):
    return dict(video_name=video, pred_instances=dict(
        segments=torch.tensor(segments, dtype=torch.float32),
        scores=torch.tensor(scores, dtype=torch.float32), labels=torch.tensor(labels)))


def test_metric_merges_windows_and_agrees_with_the_tool(tmp_path):
    gt = {'database': {'v1': dict(subset='test', annotations=[
        dict(segment=['1.0', '4.0'], label='Jump'), dict(segment=['10', '12'], label='Run')])}}
    gt_file = tmp_path / 'gt.json'
    gt_file.write_text(json.dumps(gt))
    out_file = tmp_path / 'out' / 'dets.json'
    metric = TemporalDetectionMetric(gt_file=str(gt_file), tious=(0.5, 0.7),
                                     post_processor=dict(nms_sigma=0.5),
                                     out_file=str(out_file))
    metric.dataset_meta = dict(classes=['Jump', 'Run'])
    # Two overlapping windows of v1 both find the jump; one finds the run.
    metric.process({}, [window('v1', [[1.0, 4.0], [0.5, 4.5]], [0.9, 0.6], [1, 1]),
                        window('v1', [[1.1, 4.0], [10.0, 12.5], [30, 31]], [0.8, 0.7, 0.3],
                               [1, 2, 2])])
    metrics = metric.evaluate(size=2)
    saved = json.loads(out_file.read_text())
    assert saved['version'] == 'THUMOS14' and saved['external_data'] == {}
    assert {d['label'] for d in saved['results']['v1']} == {'Jump', 'Run'}
    # The published soft-NMS never keeps the last candidate of a class.
    assert len([d for d in saved['results']['v1'] if d['label'] == 'Run']) == 1
    run_tool('tools/eval_detections.py', out_file, '--gt', gt_file, '--tiou', '0.5', '0.7',
             '--out', tmp_path / 'tool.json')
    tool = json.loads((tmp_path / 'tool.json').read_text())
    assert set(tool) == {'mAP@0.5', 'mAP@0.7', 'mAP_avg'}
    # The tool reads the file the metric wrote (its floats round-trip exactly) and computes
    # the same way: the same bits.
    for key, value in tool.items():
        assert metrics[f'detection/{key}'] == value
    assert metrics['detection/mAP@0.5'] == pytest.approx(1.0)


def test_merge_keeps_every_video():
    merged = merge_windows([dict(video_name='empty', segments=np.zeros((0, 2)),
                                 scores=np.zeros(0), labels=np.zeros(0, int))],
                           ['A'], sigma=0.5, top_k=10)
    assert merged == {'empty': []}


@pytest.mark.parametrize('videos,classes,problem', [
    (['video_test_0000004', 'my_video'], 'thumos', 'not in the .test. subset'),
    (['video_test_0000004'], ['SlidingSquare', 'PulsingDisc'], 'classes the model cannot predict'),
])
def test_results_that_do_not_fit_the_ground_truth_are_refused(videos, classes, problem):
    # Custom data scored against the shipped THUMOS14 ground truth (its default) must not
    # give a silent 0.00 per class: the error names both the ground truth and the dataset.
    thumos = read_class_names(shipped_file('thumos14', 'Class_Index_Detection.txt'))
    metric = TemporalDetectionMetric(post_processor=dict(nms_sigma=0.5))
    metric.dataset_meta = dict(classes=thumos if classes == 'thumos' else classes,
                               source_files=('my_info.csv', 'my_classes.txt'))
    metric.process({}, [window(v, [[1.0, 4.0], [1.5, 4.5]], [0.9, 0.6], [1, 1]) for v in videos])
    with pytest.raises(ValueError, match=problem) as err:
        metric.evaluate(size=len(videos))
    assert 'thumos_gt.json' in str(err.value) and 'my_info.csv / my_classes.txt' in str(err.value)


def test_listed_videos_without_ground_truth_are_left_out():
    thumos = read_class_names(shipped_file('thumos14', 'Class_Index_Detection.txt'))
    metric = TemporalDetectionMetric(post_processor=dict(nms_sigma=0.5),
                                     videos_without_gt=['video_test_0000270'])
    metric.dataset_meta = dict(classes=thumos)
    metric.process({}, [window(v, [[1.0, 4.0], [1.5, 4.5]], [0.9, 0.6], [1, 1])
                        for v in ('video_test_0000004', 'video_test_0000270')])
    assert 0 <= metric.evaluate(size=2)['detection/mAP_avg'] <= 1
    assert set(metric.last_results) == {'video_test_0000004', 'video_test_0000270'}


def test_relabelling_by_a_video_level_classifier(tmp_path):
    # As the published ActivityNet test: label = the video's top-1 class, score = detection
    # score x that class's score; the classifier's keys may carry ActivityNet's 'v_' prefix.
    results = {'abc': [{'label': 'action', 'score': 0.5, 'segment': [1.0, 2.0]}],
               'xyz': [{'label': 'action', 'score': 0.8, 'segment': [3.0, 4.0]},
                       {'label': 'action', 'score': 0.4, 'segment': [5.0, 6.0]}]}
    scores = {'v_abc': [0.1, 0.7, 0.2], 'xyz': [0.6, 0.3, 0.1], 'v_uvw': [0.2, 0.2, 0.6]}
    relabelled = relabel_by_video_classes(results, scores, ['A', 'B', 'C'])
    # A video named with the prefix finds the classifier's entry either way.
    assert relabel_by_video_classes({'v_xyz': results['xyz']}, scores, ['A', 'B', 'C'])[
        'v_xyz'][0]['label'] == 'A'
    assert relabel_by_video_classes({'uvw': results['abc']}, scores, ['A', 'B', 'C'])[
        'uvw'][0]['label'] == 'C'
    assert relabelled['abc'] == [{'label': 'B', 'score': pytest.approx(0.35),
                                  'segment': [1.0, 2.0]}]
    assert [(d['label'], d['score']) for d in relabelled['xyz']] == [
        ('A', pytest.approx(0.48)), ('A', pytest.approx(0.24))]
    with pytest.raises(ValueError, match="cls.json: the video-level classification lacks "
                                         "test video 'new'"):
        relabel_by_video_classes({'new': []}, scores, ['A', 'B', 'C'], 'cls.json')
    with pytest.raises(ValueError, match="video 'abc' has 3 class scores but"):
        relabel_by_video_classes(results, scores, ['A', 'B'])

    # Through the metric: class-agnostic windows in, classifier labels and scores out.
    classifier = tmp_path / 'cls.json'
    classifier.write_text(json.dumps({'results': scores, 'class': ['A', 'B', 'C']}))
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps({'database': {'abc': {'subset': 'validation', 'annotations': [
        {'segment': [1.0, 2.0], 'label': 'B'}]}}}))
    metric = TemporalDetectionMetric(gt_file=str(gt), subset='validation', tious=(0.5, ),
                                     post_processor=dict(
                                         nms_sigma=0.5, nms_variant='fixed',
                                         video_classification_file=str(classifier)),
                                     out_file=str(tmp_path / 'out.json'))
    metric.dataset_meta = dict(classes=['action'])
    metric.process({}, [window('abc', [[1.0, 2.0]], [0.5], [1])])
    assert metric.evaluate(size=1)['detection/mAP@0.5'] == pytest.approx(1.0)
    saved = json.loads((tmp_path / 'out.json').read_text())['results']['abc']
    assert saved == [{'label': 'B', 'score': pytest.approx(0.35), 'segment': [1.0, 2.0]}]


def test_clipping_to_the_video_and_the_best_per_video():
    # The published ActivityNet output: segments clipped to [0, duration], empty ones dropped;
    # then (ActivityNet's evaluation) the best N per video.
    results = {'a': [{'label': 'X', 'score': 0.2, 'segment': [-1.0, 2.0]},
                     {'label': 'X', 'score': 0.9, 'segment': [9.0, 12.0]},
                     {'label': 'X', 'score': 0.5, 'segment': [10.0, 11.0]},  # after the end
                     {'label': 'X', 'score': 0.7, 'segment': [3.0, 4.0]}]}
    clipped = clip_to_durations(results, {'a': 10.0})
    assert [(d['score'], d['segment']) for d in clipped['a']] == [
        (0.2, [0.0, 2.0]), (0.9, [9.0, 10.0]), (0.7, [3.0, 4.0])]
    assert [d['score'] for d in keep_top_per_video(clipped, 2)['a']] == [0.9, 0.7]

    metric = TemporalDetectionMetric(post_processor=dict(clip_to_duration=True, max_per_video=2))
    metric.dataset_meta = dict(classes=['action'])
    with pytest.raises(KeyError, match="windows of video 'a' lack"):
        metric.merged_results([dict(video_name='a', segments=np.zeros((0, 2)),
                                    scores=np.zeros(0), labels=np.zeros(0, int))])


def test_post_processing_keys_of_the_metric_itself_name_their_new_place():
    # Before the post_processor block, these were the metric's own keys: a config (or a
    # --cfg-options line) that still sets one is told the key that replaces it.
    with pytest.raises(ValueError, match=r'set test_evaluator\.post_processor\.nms_sigma '
                                         r'\(not test_evaluator\.nms_sigma\), '
                                         r'test_evaluator\.post_processor\.max_per_video'):
        METRICS.build(dict(type='TemporalDetectionMetric', nms_sigma=0.5, max_per_video=3))
    with pytest.raises(TypeError, match=r"unexpected arguments \['sigma'\]"):
        TemporalDetectionMetric(sigma=0.5)
    # The block is the metric's, the video API's and the benchmark's one post-processing.
    metric = METRICS.build(dict(type='TemporalDetectionMetric', post_processor=dict(
        type='VideoPostProcessor', nms_sigma=0.25, max_per_video=7)))
    assert metric.post_processor.nms['sigma'] == 0.25 and metric.post_processor.max_per_video == 7
    assert build_post_processor(None).nms == VideoPostProcessor().nms
