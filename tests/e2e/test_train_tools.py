"""tools/train.py on generated data: train, checkpoint, resume."""
import shutil

import torch

from gaf_mmaction.checkpoint.safe_loading import allow_mmengine_checkpoints
from tests.helpers import TINY_CONFIG, options_for, run_tool


def load(path):
    allow_mmengine_checkpoints()
    return torch.load(path, map_location='cpu', weights_only=True)


def test_train_then_resume(trained_work_dir, tmp_path, data_options):
    first = load(trained_work_dir / 'epoch_1.pth')
    assert first['meta']['epoch'] == 1 and first['meta']['iter'] == 2 * 2  # 2 passes x 2 batches
    assert set(first['optimizer']) == {'detector', 'cvae'}
    assert any(k.startswith('attention.cvae.') for k in first['state_dict'])

    work = tmp_path / 'work'
    shutil.copytree(trained_work_dir, work)
    log = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', str(work),
                   '--resume', '--cfg-options', 'train_cfg.max_epochs=2', *data_options).output
    assert 'resumed epoch: 1, iter: 4' in log
    assert 'Epoch(train) [2][detector 2/2]' in log and 'Epoch(train) [1]' not in log
    second = load(work / 'epoch_2.pth')
    assert second['meta']['epoch'] == 2 and second['meta']['iter'] == 8
    moved = [k for k, v in second['state_dict'].items()
             if v.is_floating_point() and not torch.equal(v, first['state_dict'][k])]
    assert any(k.startswith('attention.cvae.') for k in moved)
    assert any(k.startswith('backbone.') for k in moved)



def test_several_nodes_need_the_address_of_node_0():
    # Without MASTER_ADDR every node would wait for a node 0 on its own loopback address.
    proc = run_tool('tools/dist_train.sh', TINY_CONFIG, '1', check=False,
                    env_update=dict(NNODES='2', NODE_RANK='1', MASTER_ADDR=None))
    assert proc.returncode == 2
    assert 'NNODES=2 needs MASTER_ADDR, the address of node 0' in proc.stderr


def test_a_data_path_with_spaces_passes_through_cfg_options(trained_work_dir, tiny_files,
                                                            tmp_path):
    # MMEngine's DictAction would turn '<tmp>/my frames' into '<tmp>/myframes'.
    frames = tmp_path / 'my frames, copied'
    shutil.copytree(tiny_files['video_dir'], frames)
    log = run_tool('tools/test.py', TINY_CONFIG,
                   str(trained_work_dir / 'epoch_1.pth'), '--work-dir', str(tmp_path / 'w'),
                   '--cfg-options', *options_for(tiny_files, str(frames))).output
    assert 'Detection mAP (%) on 2 videos' in log
