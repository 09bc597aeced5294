"""Preparation over shards (array tasks, ranks) adds up to one unsharded run, file by file, and a
signal mid-run leaves only whole files."""
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from gaf_mmaction.datasets.annotation_files import read_video_info
from gaf_mmaction.preparation.shards import Shard, parse_shard
from tests.datasets.test_feature_extraction import TINY, tiny_model
from tests.helpers import REPO, run_tool

NAMES = [f'video_{i:02d}' for i in range(12)]
ENV = dict(os.environ, OMP_NUM_THREADS='1')


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def to_npy(videos: Path, out: Path, *extra: str) -> list[str]:
    """The videos_to_npy.py command (one worker) writing ``out`` and ``out/info.csv``."""
    return [sys.executable, 'tools/data/videos_to_npy.py', str(videos), str(out), '--info-csv',
            str(out / 'info.csv'), '--num-workers', '1', *extra]


def run_all(commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Run the commands at once, as array tasks run; their results in order."""
    procs = [subprocess.Popen(c, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=ENV) for c in commands]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=300), p.stdout.read())
            for p in procs]


@pytest.fixture(scope='module')
def videos(module_tmp) -> Path:
    """12 AVI videos of 5 s at 30 fps (160x120), each its own random frames."""
    folder = module_tmp('videos')
    for number, name in enumerate(NAMES):
        frames = np.random.default_rng(number).integers(0, 256, (150, 120, 160, 3), np.uint8)
        writer = cv2.VideoWriter(str(folder / f'{name}.avi'), cv2.VideoWriter_fourcc(*'MJPG'),
                                 30.0, (160, 120))
        for frame in frames:
            writer.write(frame)
        writer.release()
    return folder


@pytest.fixture(scope='module')
def unsharded(videos, module_tmp) -> dict[str, bytes]:
    out = module_tmp('unsharded')
    (result,) = run_all([to_npy(videos, out)])
    assert result.returncode == 0, result.stdout[-3000:]
    return files_of(out)


def test_shares_are_every_nth_name_and_cover_each_once(monkeypatch):
    shares = [Shard(i, 3).select(list(reversed(NAMES))) for i in range(3)]
    assert shares[0] == ['video_00', 'video_03', 'video_06', 'video_09']
    assert sorted(itertools.chain(*shares)) == NAMES
    assert parse_shard('2/3') == Shard(2, 3)
    for bad, message in (('3/3', 'Shard 3/3 does not exist'), ('1', 'takes I/N'),
                         ('a/b', 'takes I/N')):
        with pytest.raises(ValueError, match=message):
            parse_shard(bad)
    for name in ('WORLD_SIZE', 'RANK', 'SLURM_ARRAY_TASK_COUNT'):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match='--shard auto needs torchrun'):
        parse_shard('auto')
    # A Slurm array --array=1-9:2 (tasks 1, 3, 5, 7, 9): task 5 is share 2 of 5.
    monkeypatch.setenv('SLURM_ARRAY_TASK_COUNT', '5')
    monkeypatch.setenv('SLURM_ARRAY_TASK_ID', '5')
    monkeypatch.setenv('SLURM_ARRAY_TASK_MIN', '1')
    monkeypatch.setenv('SLURM_ARRAY_TASK_STEP', '2')
    assert parse_shard('auto') == Shard(2, 5)
    monkeypatch.setenv('WORLD_SIZE', '4')  # torchrun's rank comes first
    monkeypatch.setenv('RANK', '3')
    assert parse_shard('auto') == Shard(3, 4)


@pytest.mark.parametrize('script', ['tools/data/videos_to_npy.py',
                                    'tools/data/extract_features.py'])
def test_a_shard_that_does_not_exist_is_a_usage_error(script, tmp_path):
    args = ['IN', str(tmp_path)] if 'videos' in script else [TINY, 'IN', str(tmp_path)]
    result = run_tool(script, *args, '--shard', '3/2', check=False)
    assert result.returncode == 2
    assert 'argument --shard: Shard 3/2 does not exist' in result.stderr


def test_three_shards_add_up_to_the_unsharded_run(videos, unsharded, tmp_path):
    out = tmp_path / 'sharded'
    results = run_all([to_npy(videos, out, '--shard', f'{i}/3') for i in range(3)])
    for number, result in enumerate(results):
        assert result.returncode == 0, result.stdout[-3000:]
        assert f'0 of 4 videos (shard {number}/3 of 12) already converted' in result.stdout
        part = read_video_info(str(out / f'info.shard-{number}-of-3.csv'))
        assert sorted(part) == NAMES[number::3]
    # A last run without --shard converts nothing and writes the whole info CSV.
    (merge,) = run_all([to_npy(videos, out)])
    assert merge.returncode == 0 and '12 of 12 videos already converted' in merge.stdout
    sharded = files_of(out)
    parts = {f'info.shard-{i}-of-3.csv' for i in range(3)}
    assert set(sharded) == set(unsharded) | parts
    assert all(sharded[name] == content for name, content in unsharded.items())


def test_a_signal_mid_run_leaves_only_whole_files(videos, unsharded, tmp_path):
    out = tmp_path / 'signalled'
    proc = subprocess.Popen(to_npy(videos, out), cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV)
    while not list(out.glob('*.npy')) and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 75, stdout[-2000:] + stderr[-2000:]
    assert 'Stopped by SIGTERM' in stderr and 'run the same command again' in stderr
    done = files_of(out)
    arrays = sorted(name for name in done if name.endswith('.npy'))
    assert 0 < len(arrays) < 12 and set(done) == {*arrays, 'info.csv'}  # no .part file
    assert all(done[name] == unsharded[name] for name in arrays)
    assert sorted(read_video_info(str(out / 'info.csv'))) == [n[:-4] for n in arrays]

    (rerun,) = run_all([to_npy(videos, out)])
    assert rerun.returncode == 0 and f'{len(arrays)} of 12 videos already converted' in (
        rerun.stdout)
    assert files_of(out) == unsharded


def test_feature_extraction_shards_add_up_to_one_run(tmp_path):
    checkpoint = tmp_path / 'tiny.pth'
    torch.save(dict(meta={}, state_dict=tiny_model().state_dict()), checkpoint)
    frames = tmp_path / 'npy'
    frames.mkdir()
    for number, length in enumerate((9, 13, 5)):
        np.save(frames / f'clip_{number}.npy', np.random.default_rng(number).integers(
            0, 256, (length, 40, 40, 3), np.uint8))

    def extract(out: str, *shard: str) -> list[str]:
        return [sys.executable, 'tools/data/extract_features.py', TINY, str(frames),
                str(tmp_path / out), '--checkpoint', str(checkpoint), '--device', 'cpu',
                '--num-workers', '0', *shard]

    results = run_all([extract('whole'), extract('shards', '--shard', '0/2'),
                       extract('shards', '--shard', '1/2')])
    assert all(r.returncode == 0 for r in results), [r.stdout[-2000:] for r in results]
    assert '2 videos (shard 0/2), 0 done before' in results[1].stdout
    assert sorted(files_of(tmp_path / 'shards')) == ['clip_0.npy', 'clip_1.npy', 'clip_2.npy']
    assert files_of(tmp_path / 'shards') == files_of(tmp_path / 'whole')
