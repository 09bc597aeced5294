"""The metric equals the published evaluator on the real THUMOS14 ground truth, boundary cases
included.

The truth here is an independent plain-Python reference of the published algorithm (the
ActivityNet detection AP that GAF's ``evaluation/eval_detection.py`` and ActionFormer's
``ANETdetection`` compute, docs/published_code.md §10), written from its description in
scalar float64 arithmetic - no PyPI package ships that code in a form this project can install
(docs/datasets.md, "Evaluation protocols"). Detections are ranked by distinct scores, so the
order of tied scores, which the published code leaves to numpy's unstable sort, never matters.

Both paths compute each tIoU with the same IEEE operations, so they agree bit for bit on every
threshold comparison; the APs are then sums of at most a few thousand terms in another order,
so they agree to 1e-12 (the 1e-9 asked for leaves a margin of 1000).
"""
import json

import numpy as np
import pytest
from mmaction.evaluation.functional.eval_detection import compute_average_precision_detection

from gaf_mmaction.datasets.annotation_files import shipped_file
from gaf_mmaction.evaluation import THUMOS14_TIOUS, Protocol, detection_map, load_ground_truth

GT_FILE = shipped_file('thumos14', 'thumos_gt.json')


def reference_map(gt_file: str, subset: str, results: dict, tious, label_key: str = 'label',
                  drop_duplicates: bool = False) -> tuple[list, dict]:
    """The published detection mAP, one scalar at a time.

    ``label_key`` names the annotations' class key ('label_id' for ActionFormer's integer
    labels); ``drop_duplicates`` first drops, per video, an annotation shorter than 1e-3 s or
    within 1e-3 s at both ends of an earlier kept one of its class (ActionFormer's rule).
    """
    with open(gt_file) as f:
        database = json.load(f)['database']
    gts: dict[str, list] = {}
    for video, entry in database.items():
        if entry['subset'] == subset:
            kept = []
            for anno in entry['annotations']:
                start, end = float(anno['segment'][0]), float(anno['segment'][1])
                label = anno[label_key]
                if drop_duplicates and (end - start < 1e-3 or any(
                        abs(start - s) <= 1e-3 and abs(end - e) <= 1e-3 and label == lab
                        for s, e, lab in kept)):
                    continue
                kept.append((start, end, label))
                gts.setdefault(label, []).append([video, start, end, None])
    # As published, detections in videos without ground truth in the subset are not scored.
    videos = {g[0] for class_gts in gts.values() for g in class_gts}
    per_class = {}
    for label, class_gts in gts.items():
        preds = [(d['score'], video, d['segment'][0], d['segment'][1])
                 for video, dets in results.items() if video in videos
                 for d in dets if d['label'] == label]
        preds.sort(key=lambda p: -p[0])
        aps = []
        for threshold in tious:
            taken = [False] * len(class_gts)
            hits = []
            for _, video, ps, pe in preds:
                scored = []
                for j, (gv, gs, ge, _) in enumerate(class_gts):
                    if gv != video:
                        continue
                    inter = max(0.0, min(pe, ge) - max(ps, gs))
                    scored.append((inter / ((ge - gs) + (pe - ps) - inter), j))
                scored.sort(key=lambda x: -x[0])
                hit = 0
                for tiou, j in scored:
                    if tiou < threshold:
                        break
                    if not taken[j]:
                        taken[j], hit = True, 1
                        break
                hits.append(hit)
            tp = fp = 0
            precision, recall = [], []
            for hit in hits:
                tp, fp = tp + hit, fp + 1 - hit
                precision.append(tp / (tp + fp))
                recall.append(tp / len(class_gts))
            precision, recall = [0.0] + precision + [0.0], [0.0] + recall + [1.0]
            for i in range(len(precision) - 2, -1, -1):
                precision[i] = max(precision[i], precision[i + 1])
            aps.append(sum((recall[i] - recall[i - 1]) * precision[i]
                           for i in range(1, len(recall)) if recall[i] != recall[i - 1]))
        per_class[label] = aps
    return [sum(ap[t] for ap in per_class.values()) / len(per_class)
            for t in range(len(tious))], per_class


def thumos_test_actions() -> list[tuple[str, float, float, str]]:
    with open(GT_FILE) as f:
        database = json.load(f)['database']
    return [(video, float(a['segment'][0]), float(a['segment'][1]), a['label'])
            for video, e in database.items() if e['subset'] == 'test' for a in e['annotations']]


def random_detections(rng: np.random.Generator, count: int) -> dict[str, list[dict]]:
    """Ground-truth actions moved and stretched by noise, plus detections of other classes."""
    actions = thumos_test_actions()
    labels = sorted({a[3] for a in actions})
    results: dict[str, list[dict]] = {}
    for i in rng.choice(len(actions), count):
        video, start, end, label = actions[i]
        length = end - start
        start += rng.normal(0, 0.3) * length
        end += rng.normal(0, 0.3) * length
        if rng.random() < 0.2:
            label = labels[rng.integers(len(labels))]
        results.setdefault(video, []).append(
            dict(label=label, score=float(rng.random()), segment=[start, max(end, start)]))
    return results


def boundary_detections(rng: np.random.Generator, tious, count: int) -> dict[str, list[dict]]:
    """Detections whose tIoU with a ground-truth action lies within 1e-7 of each threshold.

    A detection inside an action of length L, of length (t + d) L, has tIoU t + d; d runs
    over -1e-7 ... 1e-7 and 0, where float32 rounding (about 6e-8 relative) flips the count.
    """
    actions = thumos_test_actions()
    results: dict[str, list[dict]] = {}
    for i in rng.choice(len(actions), count, replace=False):
        video, start, end, label = actions[i]
        length = end - start
        for threshold in tious:
            for delta in (-1e-7, -3e-8, -1e-8, 0.0, 1e-8, 3e-8, 1e-7):
                inner = (threshold + delta) * length
                shift = rng.random() * (length - inner)
                results.setdefault(video, []).append(
                    dict(label=label, score=float(rng.random()),
                         segment=[start + shift, start + shift + inner]))
    return results


def float32_map(ground_truth: dict, results: dict, tious) -> np.ndarray:
    """The mAP of MMAction2's AP routine, whose tIoU is float32 (what the metric used before)."""
    classes = {label for actions in ground_truth.values() for _, _, label in actions}
    aps = []
    for label in sorted(classes):
        gt = [{'video-id': v, 't-start': s, 't-end': e} for v, actions in ground_truth.items()
              for s, e, lab in actions if lab == label]
        pred = [{'video-id': v, 't-start': d['segment'][0], 't-end': d['segment'][1],
                 'score': d['score']} for v, dets in results.items() if v in ground_truth
                for d in dets if d['label'] == label]
        aps.append(compute_average_precision_detection(gt, pred, np.asarray(tious)))
    return np.mean(aps, axis=0)


@pytest.mark.parametrize('kind', ['random', 'boundary'])
def test_metric_equals_the_published_evaluator(kind):
    rng = np.random.default_rng(34)
    results = (random_detections(rng, 4000) if kind == 'random'
               else boundary_detections(rng, THUMOS14_TIOUS, 120))
    ground_truth = load_ground_truth(GT_FILE, 'test')
    mean_ap, per_class = detection_map(ground_truth, results, THUMOS14_TIOUS)
    expected_map, expected_per_class = reference_map(GT_FILE, 'test', results, THUMOS14_TIOUS)
    assert np.abs(mean_ap - expected_map).max() < 1e-9
    assert set(per_class) == set(expected_per_class) and len(per_class) == 20
    for label, ap in per_class.items():
        assert np.abs(ap - expected_per_class[label]).max() < 1e-9, label
    if kind == 'boundary':
        # The set does reach the boundary: the float32 tIoU counts some detections otherwise.
        assert np.abs(float32_map(ground_truth, results, THUMOS14_TIOUS) - mean_ap).max() > 1e-6


def test_shipped_thumos14_ground_truth_has_no_duplicates():
    # docs/datasets.md: both protocols keep the 3,311 test actions of thumos_gt.json.
    for protocol in (Protocol(), Protocol('drop')):
        assert sum(map(len, load_ground_truth(GT_FILE, 'test', protocol).values())) == 3311


def test_protocol_drops_duplicates_and_ignored_labels(tmp_path):
    gt_file = tmp_path / 'gt.json'
    gt_file.write_text(json.dumps({'database': {'v': {'subset': 'test', 'annotations': [
        {'segment': [1.0, 3.0], 'label': 'A'},
        {'segment': [1.0005, 2.9995], 'label': 'A'},     # a duplicate within 1e-3 s
        {'segment': [1.0, 3.0], 'label': 'B'},           # same times, another label: kept
        {'segment': [5.0, 5.0005], 'label': 'A'},        # shorter than 1e-3 s
        {'segment': [6.0, 9.0], 'label': 'Ambiguous'}]}}}))
    assert load_ground_truth(str(gt_file), 'test')['v'] == [
        (1.0, 3.0, 'A'), (1.0005, 2.9995, 'A'), (1.0, 3.0, 'B'), (5.0, 5.0005, 'A'),
        (6.0, 9.0, 'Ambiguous')]
    assert load_ground_truth(str(gt_file), 'test', Protocol('drop', ['Ambiguous']))['v'] == [
        (1.0, 3.0, 'A'), (1.0, 3.0, 'B')]
    # One perfect detection per remaining action: AP 1 under the dropping protocol, while the
    # published one also counts the duplicate and the tiny action of A as missed (recall 1/3).
    results = {'v': [dict(label='A', score=0.9, segment=[1.0, 3.0]),
                     dict(label='B', score=0.8, segment=[1.0, 3.0])]}
    dropped, _ = detection_map(load_ground_truth(str(gt_file), 'test',
                                                 Protocol('drop', ['Ambiguous'])), results, [0.5])
    kept, per_class = detection_map(load_ground_truth(str(gt_file), 'test'), results, [0.5])
    assert dropped.tolist() == [1.0]
    assert per_class['A'].tolist() == pytest.approx([1 / 3]) and per_class['Ambiguous'] == 0
    with pytest.raises(ValueError, match="duplicates must be one of"):
        Protocol('remove')
    with pytest.raises(TypeError, match=r"write \['Ambiguous'\]"):
        Protocol('keep', 'Ambiguous')
    assert kept.tolist() == pytest.approx([(1 / 3 + 1 + 0) / 3])
