"""The demo study's table: one row per run, and min / median / max over the finished runs."""
from gaf_mmaction.tooling.demo_study import StudyRun, run_name, study_table


def test_rows_and_spread_by_hand():
    runs = [StudyRun(0, None, 'w/s0_p-', 0.6, 0.5, 400.4, 700.0),
            StudyRun(0, 1, 'w/s0_p1', 0.52, 0.41, 380.0, 650.2),
            StudyRun(1, 1, 'w/s1_p1', 0.7, 0.6, 420.0, 690.0),
            StudyRun(1, 2, 'w/s1_p2', error='RuntimeError: boom')]
    assert study_table(runs).splitlines() == [
        '| seed | perturbation | mAP@0.5 | mAP_avg | seconds | CPU seconds |',
        '|---|---|---|---|---|---|',
        '| 0 | none | 60.00 | 50.00 | 400 | 700 |',
        '| 0 | 1 | 52.00 | 41.00 | 380 | 650 |',
        '| 1 | 1 | 70.00 | 60.00 | 420 | 690 |',
        '| 1 | 2 | failed: RuntimeError: boom (see w/s1_p2/run.log) | | | |',
        'mAP@0.5: min 52.00 %, median 60.00 %, max 70.00 %',
        'mAP_avg: min 41.00 %, median 50.00 %, max 60.00 %',
        'seconds: min 380 s, median 400 s, max 420 s',
        'CPU seconds: min 650 s, median 690 s, max 700 s',
        '3 of 4 runs finished']


def test_run_folders_name_seed_and_perturbation():
    assert [run_name(2, None), run_name(0, 5)] == ['s2_p-', 's0_p5']
