"""The demo study's table (one row per run, and min / median / max over the finished runs),
and its workers ending with the study."""
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gaf_mmaction.tooling.demo_study import StudyRun, run_name, study_table

# A study's shape: a main process whose spawned worker sleeps where a demo run would train.
STUDY = """
import multiprocessing, os, sys, time
from gaf_mmaction.tooling.demo_study import exit_with_parent

def worker(path):
    exit_with_parent(os.getppid(), interval=0.1)
    with open(path, 'w') as out:
        out.write(str(os.getpid()))
    time.sleep(120)

if __name__ == '__main__':
    process = multiprocessing.get_context('spawn').Process(target=worker, args=(sys.argv[1],))
    process.start()
    process.join()
"""


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


def running(pid: int) -> bool:
    """The process exists and is not a zombie (one ended, waiting for its parent to reap it)."""
    stat = Path(f'/proc/{pid}/stat')
    try:
        return stat.read_text().rsplit(')', 1)[1].split()[0] != 'Z'
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not Path('/proc/self/stat').exists(), reason='reads /proc (Linux)')
def test_a_worker_ends_when_the_study_is_killed(tmp_path):
    script, pid_file = tmp_path / 'study.py', tmp_path / 'worker.pid'
    script.write_text(STUDY)
    study = subprocess.Popen([sys.executable, str(script), str(pid_file)])
    try:
        deadline = time.monotonic() + 120
        while not (pid_file.exists() and pid_file.read_text()):
            assert time.monotonic() < deadline and study.poll() is None, 'the worker did not start'
            time.sleep(0.1)
        worker = int(pid_file.read_text())
        time.sleep(0.5)
        assert running(worker)  # it outlives a few of its checks while the study runs
    finally:
        study.kill()  # SIGKILL: the study's process cannot pass anything on
        study.wait()
    deadline = time.monotonic() + 10
    while running(worker):
        assert time.monotonic() < deadline, f'worker {worker} still runs after the study ended'
        time.sleep(0.1)
