"""Killed and resumed training, determinism, checkpoint writes and refused checkpoints."""
import json
import os
import sys
from pathlib import Path

import pytest
import torch

from gaf_mmaction.checkpoint import read_state_dict
from gaf_mmaction.checkpoint.safe_loading import allow_mmengine_checkpoints
from gaf_mmaction.engine.checkpoint_files import AtomicLocalBackend, find_resume_checkpoint
from tests.helpers import TEST_DATA, TINY_CONFIG, TouchOnUnpickle, checkpoint_bytes, run_tool

# Tiny config: 2 iterations per pass, so epoch 2 runs global iterations 5-6 (CVAE) and 7-8.
EPOCHS = ['train_cfg.max_epochs=2']


def train(work: Path, *extra: str, config: str = TINY_CONFIG, expect_kill: bool = False) -> str:
    proc = run_tool('tools/train.py', config, '--work-dir', work, *extra, check=not expect_kill)
    if expect_kill:
        assert proc.returncode == -9, proc.output[-3000:]
    return proc.output


def parameters(path: Path) -> dict[str, torch.Tensor]:
    allow_mmengine_checkpoints()
    return torch.load(path, map_location='cpu', weights_only=True)['state_dict']


def loss_curve(work: Path) -> list[tuple]:
    """(iteration, CVAE loss, detector loss) of every logged training iteration."""
    curve = []
    for scalars in sorted(work.glob('*/vis_data/scalars.json')):
        for line in scalars.read_text().splitlines():
            record = json.loads(line)
            if 'cvae/loss' in record or 'det/loss' in record:
                curve.append((record['step'], record.get('cvae/loss'), record.get('det/loss')))
    return curve


@pytest.fixture(scope='module')
def uninterrupted(module_tmp, data_options) -> Path:
    work = module_tmp('uninterrupted')
    train(work, '--cfg-options', *EPOCHS, *data_options)
    return work


@pytest.mark.parametrize('kill_at, pass_name', [(5, 'cvae'), (7, 'detector')])
def test_killed_mid_epoch_and_resumed_equals_uninterrupted(uninterrupted, tmp_path, data_options,
                                                           kill_at, pass_name):
    work = tmp_path / 'killed'
    train(work, '--cfg-options', *EPOCHS, f'custom_hooks.0.iteration={kill_at}', *data_options,
          config=str(TEST_DATA / 'configs' / 'gaf_tiny_killed.py'), expect_kill=True)
    assert (work / 'epoch_1.pth').is_file() and not (work / 'epoch_2.pth').exists()
    # Same seed, separate process: the same losses up to the kill.
    curve, reference = loss_curve(work), loss_curve(uninterrupted)
    assert len(curve) == kill_at and curve == reference[:kill_at]

    log = train(work, '--resume', '--cfg-options', *EPOCHS, *data_options)
    assert 'resumed epoch: 1, iter: 4' in log
    resumed, expected = parameters(work / 'epoch_2.pth'), parameters(uninterrupted / 'epoch_2.pth')
    assert resumed.keys() == expected.keys()
    assert all(torch.equal(resumed[k], expected[k]) for k in expected), pass_name


def test_checkpoint_is_complete_or_absent(tmp_path, monkeypatch):
    backend = AtomicLocalBackend()
    (tmp_path / 'epoch_1.pth').write_bytes(checkpoint_bytes({'meta': {'epoch': 1}}))
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))

    def killed(*args):
        raise KeyboardInterrupt('killed while saving')
    monkeypatch.setattr(os, 'replace', killed)
    with pytest.raises(KeyboardInterrupt):
        backend.put(checkpoint_bytes({'meta': {'epoch': 2}}), tmp_path / 'epoch_2.pth')
    assert not (tmp_path / 'epoch_2.pth').exists()
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'epoch_1.pth')
    monkeypatch.undo()

    backend.put(checkpoint_bytes({'meta': {'epoch': 2}}), tmp_path / 'epoch_2.pth')
    assert (tmp_path / 'epoch_2.pth').read_bytes() == checkpoint_bytes({'meta': {'epoch': 2}})
    # A kill while MMEngine rewrote the pointer leaves it empty: the newest complete file wins.
    (tmp_path / 'last_checkpoint').write_text('')
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'epoch_2.pth')
    assert find_resume_checkpoint(tmp_path / 'nothing') is None


def test_resuming_from_an_unsafe_checkpoint_needs_the_flag(trained_work_dir, tmp_path,
                                                           data_options, monkeypatch):
    allow_mmengine_checkpoints()
    checkpoint = torch.load(trained_work_dir / 'epoch_1.pth', weights_only=True)
    marker = tmp_path / 'code_ran'
    checkpoint['meta']['note'] = TouchOnUnpickle(marker)
    evil = tmp_path / 'evil.pth'
    torch.save(checkpoint, evil)
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', tmp_path / 'w', '--resume', evil,
                    '--cfg-options', *EPOCHS, *data_options, check=False)
    assert proc.returncode != 0 and not marker.exists()
    assert 'evil.pth holds objects outside the safe allow-list' in proc.stderr
    assert '--trust-checkpoint' in proc.stderr

    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')  # what --trust-checkpoint sets
    assert read_state_dict(evil).keys() == checkpoint['state_dict'].keys() and marker.exists()


def test_own_checkpoints_load_in_a_fresh_process(trained_work_dir):
    # No tool has registered the allow-list in a new interpreter: the loader must do it.
    code = ('import sys; from gaf_mmaction.checkpoint import read_state_dict; '
            'print(len(read_state_dict(sys.argv[1])))')
    proc = run_tool([sys.executable, '-c', code], trained_work_dir / 'epoch_1.pth')
    assert int(proc.stdout.split()[-1]) == len(parameters(trained_work_dir / 'epoch_1.pth'))
