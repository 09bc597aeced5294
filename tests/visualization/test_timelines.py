"""Timelines that hold for real datasets: colours, lanes, clipping, prediction-only videos."""
import json

import matplotlib.image as mpimg
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

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


DETECTIONS = [dict(segment=[8.0, 14.0], label='Run', score=0.9),
              dict(segment=[-1.0, 2.0], label='Jump', score=0.4)]


def test_detections_past_the_video_are_drawn_clipped_at_its_edges(tmp_path, monkeypatch):
    # The figure as it is saved: its bars and score labels.
    saved = []
    monkeypatch.setattr(Figure, 'savefig', lambda fig, *args, **kwargs: saved.append(fig))
    plot_video_timeline('v', [(1.0, 4.0, 'Run'), (2.0, 3.0, 'Jump')], DETECTIONS,
                        ['Run', 'Jump'], tmp_path / 'one.png', duration=10.0)
    [axes] = saved[0].axes
    assert axes.get_xlim() == (0.0, 10.0)
    bars = sorted((round(bar.get_x(), 6), round(bar.get_x() + bar.get_width(), 6))
                  for bar in axes.patches if isinstance(bar, Rectangle))
    # Ground truth [1, 4] and [2, 3]; the detection [8, 14] ends at the video's end (10 s),
    # the one from -1 s starts at 0.
    assert bars == [(0.0, 2.0), (1.0, 4.0), (2.0, 3.0), (8.0, 10.0)]
    # Each score is written where its clipped bar ends, inside the axis.
    assert {t.get_text().strip(): t.get_position()[0] for t in axes.texts} == {
        '0.90': 10.0, '0.40': 2.0}


def test_the_tool_draws_videos_without_ground_truth(tmp_path):
    detections = DETECTIONS
    results = tmp_path / 'results.json'
    results.write_text(json.dumps(dict(results=dict(only_predicted=detections))))
    run_tool('tools/visualize_detections.py', results, '--out', tmp_path / 'vis')
    assert mpimg.imread(tmp_path / 'vis' / 'timeline_only_predicted.png').ndim == 3
    proc = run_tool('tools/visualize_detections.py', results, '--out', tmp_path / 'vis', '--gt',
                    tmp_path / 'missing.json', check=False)
    assert proc.returncode == 1 and 'No such ground-truth file' in proc.stderr
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps(dict(database=dict(v=dict(subset='test', annotations=[])))))
    proc = run_tool('tools/visualize_detections.py', results, '--out', tmp_path / 'vis',
                    '--gt', gt, '--subset', 'validation', check=False)
    assert proc.returncode == 1 and "no video of subset 'validation'" in proc.stderr
