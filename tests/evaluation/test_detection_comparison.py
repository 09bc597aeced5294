"""compare_detections: matching at a tIoU per video and label, by hand."""
import numpy as np
import pytest

from gaf_mmaction.evaluation.detection_comparison import compare_detections, temporal_iou


def det(start: float, end: float, score: float, label: str = 'A') -> dict:
    return dict(segment=[start, end], score=score, label=label)


def test_temporal_iou_by_hand():
    iou = temporal_iou(np.array([[0.0, 10.0], [5.0, 5.0]]), np.array([[1.0, 10.0], [20.0, 30.0]]))
    # [0, 10] vs [1, 10]: 9 / 10; disjoint: 0; an empty segment: 0.
    assert iou.tolist() == [[0.9, 0.0], [0.0, 0.0]]


def test_matches_by_video_label_and_overlap():
    reference = {'v': [det(0, 10, 0.9), det(20, 30, 0.5), det(40, 50, 0.4, 'B')],
                 'w': [det(0, 1, 0.3)]}
    other = {'v': [det(0.5, 10, 0.8),        # IoU 0.95 with the first: matched, score -0.1
                   det(20, 28, 0.5),         # IoU 0.8 < 0.9: not matched
                   det(40, 50, 0.45, 'A')],  # right place, other label: not matched
             'x': [det(0, 1, 0.3)]}          # a video the reference lacks
    result = compare_detections(reference, other, tiou=0.9)
    assert result['reference'] == 4 and result['other'] == 4 and result['matched'] == 1
    assert result['matched_fraction'] == 0.25
    assert result['max_score_difference'] == pytest.approx(0.1)
    assert result['max_boundary_difference'] == 0.5
    # At tIoU 0.8 the second pair matches too (same score, ends 2 s apart).
    looser = compare_detections(reference, other, tiou=0.8)
    assert looser['matched'] == 2 and looser['max_boundary_difference'] == 2.0


def test_each_detection_matches_once_best_reference_first():
    # Two reference detections on the same place; one candidate: the better-scored takes it.
    reference = {'v': [det(0, 10, 0.2), det(0, 10, 0.9)]}
    other = {'v': [det(0, 10, 0.85)]}
    result = compare_detections(reference, other)
    assert result['matched'] == 1 and result['max_score_difference'] == pytest.approx(0.05)
    assert compare_detections({}, {}) == dict(
        reference=0, other=0, matched=0, matched_fraction=1.0, max_score_difference=0.0,
        mean_score_difference=0.0, max_boundary_difference=0.0)
