"""Timelines that hold for real datasets: colours, lanes, clipping, prediction-only videos."""
import json

import matplotlib.image as mpimg
import pytest

from gaf_mmaction.visualization import class_colours, plot_video_timeline
from gaf_mmaction.visualization.timelines import lanes
from tests.helpers import run_tool


@pytest.mark.parametrize('count', [20, 200])
def test_every_class_of_thumos14_and_activitynet_has_its_own_colour(count):
    colours = class_colours([f'class_{i}' for i in range(count)])
    assert len({tuple(round(c, 3) for c in colour[:3]) for colour in colours.values()}) == count


def test_overlapping_actions_get_separate_lanes():
    # [0, 5] and [1, 3] overlap; [3, 6] starts where [1, 3] ends; [5.5, 7] after [0, 5].
    assert lanes([(0, 5), (1, 3), (3, 6), (5.5, 7)]) == [0, 1, 1, 0]
    assert lanes([]) == []


def test_timeline_of_detections_past_the_end_and_the_tool_without_ground_truth(tmp_path):
    detections = [dict(segment=[8.0, 14.0], label='Run', score=0.9),
                  dict(segment=[-1.0, 2.0], label='Jump', score=0.4)]
    plot_video_timeline('v', [(1.0, 4.0, 'Run'), (2.0, 3.0, 'Jump')], detections,
                        ['Run', 'Jump'], tmp_path / 'one.png', duration=10.0)
    assert mpimg.imread(tmp_path / 'one.png').shape[2] == 4
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(dict(results=dict(only_predicted=detections))))
    proc = run_tool('visualize_detections.py', results, '--out', tmp_path / 'vis')
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / 'vis' / 'timeline_only_predicted.png').exists()
    proc = run_tool('visualize_detections.py', results, '--out', tmp_path / 'vis', '--gt',
                    tmp_path / 'missing.json')
    assert proc.returncode == 1 and 'No such ground-truth file' in proc.stderr
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps(dict(database=dict(v=dict(subset='test', annotations=[])))))
    proc = run_tool('visualize_detections.py', results, '--out', tmp_path / 'vis', '--gt', gt,
                    '--subset', 'validation')
    assert proc.returncode == 1 and "no video of subset 'validation'" in proc.stderr
