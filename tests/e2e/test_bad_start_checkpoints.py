"""tools/train.py refuses, before training, a load_from or --resume checkpoint that does not fit;
tools/test.py checks --out up front and reports a model with NaN outputs; tools/export_student.py
names an unreadable file."""
import json
import re

import torch

from tests.helpers import TINY_CONFIG, run_tool


def test_load_from_of_another_architecture_is_refused(tmp_path, trained_work_dir, data_options):
    state = torch.load(trained_work_dir / 'epoch_1.pth', weights_only=False)['state_dict']
    state = {k: v for k, v in state.items() if not k.startswith('head.')}
    state['backbone.Conv3d_1a_7x7.conv3d.weight'] = torch.zeros(64, 2, 7, 7, 7)
    other = tmp_path / 'other.pth'
    torch.save({'state_dict': state}, other)
    options = ['--cfg-options', f'load_from={other}', 'train_cfg.max_epochs=1', *data_options]
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', tmp_path / 'w', *options,
                    check=False)
    assert proc.returncode != 0
    # Our message, without a traceback above it.
    assert 'error: GAFDetector cannot load' in proc.stderr and 'other.pth' in proc.stderr
    assert 'Traceback' not in proc.stderr
    assert 'missing' in proc.stderr and 'head.' in proc.stderr
    assert 'backbone.Conv3d_1a_7x7.conv3d.weight: checkpoint (64, 2, 7, 7, 7)' in proc.stderr
    assert '--allow-partial-load' in proc.stderr
    assert not list((tmp_path / 'w').glob('*.pth'))
    # The documented opt-in loads what fits, with the misfit keys in the log.
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', tmp_path / 'w2',
                    '--allow-partial-load', *options)
    assert 'Loading what fits (--allow-partial-load)' in proc.output


def test_resume_from_a_plain_state_dict_is_refused(tmp_path, trained_work_dir, data_options):
    plain = tmp_path / 'weights_only.pth'
    checkpoint = torch.load(trained_work_dir / 'epoch_1.pth', weights_only=False)
    torch.save({'state_dict': checkpoint['state_dict']}, plain)
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir',
                    str(tmp_path / 'w'), '--resume', str(plain), '--cfg-options',
                    *data_options, check=False)
    assert proc.returncode != 0 and "KeyError: 'epoch'" not in proc.stderr
    assert 'weights_only.pth is not a training checkpoint' in proc.stderr
    assert f'load_from={plain} without --resume' in proc.stderr


def test_unwritable_out_fails_before_testing(tmp_path, trained_work_dir, data_options):
    blocker = tmp_path / 'a_file'
    blocker.write_text('')
    proc = run_tool('tools/test.py', TINY_CONFIG,
                    str(trained_work_dir / 'epoch_1.pth'), '--out',
                    str(blocker / 'results.json'), '--cfg-options', *data_options, check=False)
    assert proc.returncode != 0
    assert f'error: Cannot write the results to {blocker / "results.json"}' in proc.stderr
    assert 'Epoch(test)' not in proc.output and 'Traceback' not in proc.stderr


def test_a_flow_model_given_rgb_frames_names_the_file_and_keys(tmp_path, data_options):
    # A flow model (2 input channels) tested with the dataset left on the RGB frames.
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.model.backbone.in_channels = 2
    flow = tmp_path / 'flow.pth'
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, flow)
    proc = run_tool('tools/test.py', TINY_CONFIG, str(flow), '--work-dir',
                    str(tmp_path / 'w'), '--cfg-options', 'model.backbone.in_channels=2',
                    *data_options, check=False)
    assert proc.returncode == 1 and 'Traceback' not in proc.stderr
    assert re.search(r"error: The model takes 2-channel \(optical-flow\) clips "
                     r"\(model.backbone.in_channels=2\) but \S+/video_a.npy \(video video_a\) "
                     r"has 3 channels per frame: point the dataset at the frames", proc.stderr)


def test_export_student_names_an_unreadable_checkpoint(tmp_path):
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    proc = run_tool('tools/export_student.py', str(empty),
                    str(tmp_path / 'student.pth'), check=False)
    assert proc.returncode == 1 and 'empty.pth is empty (0 bytes)' in proc.stderr
    proc = run_tool('tools/export_student.py', '--help', check=False)
    assert '--trust-checkpoint' in proc.stdout


def test_checkpoint_with_nan_outputs_scores_nothing(tmp_path, trained_work_dir, data_options):
    # Before, NaN segments matched every ground truth: mAP 100 % and NaN in --out.
    checkpoint = torch.load(trained_work_dir / 'epoch_1.pth', weights_only=False)
    for key in ('head.loc_head.conv1d.weight', 'head.prop_loc_head.conv1d.weight'):
        checkpoint['state_dict'][key] = torch.full_like(checkpoint['state_dict'][key], float('nan'))
    broken = tmp_path / 'nan.pth'
    torch.save(checkpoint, broken)
    out = tmp_path / 'results.json'
    log = run_tool('tools/test.py', TINY_CONFIG, broken, '--out', out, '--cfg-options',
                   *data_options).output
    assert re.search(r'The model produced non-finite outputs \(NaN or inf\) in \d+ of \d+ test '
                     r'windows', log)
    assert all(float(v) == 0.0 for v in re.findall(r'detection/mAP@0\.\d: ([0-9.]+)', log))
    text = out.read_text()
    assert 'NaN' not in text and all(d['segment'][0] <= d['segment'][1]
                                     for dets in json.loads(text)['results'].values()
                                     for d in dets)
