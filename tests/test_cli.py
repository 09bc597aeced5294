"""The tools' --cfg-options keep a path's spaces and commas; MMEngine's drops them."""
import argparse

import pytest
from mmengine.config import DictAction

from gaf_mmaction.utils import PathDictAction


def parse(action, *options):
    parser = argparse.ArgumentParser()
    parser.add_argument('--cfg-options', nargs='+', action=action)
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def test_paths_keep_spaces_and_commas_other_values_parse_as_mmengine():
    options = ('train_dataloader.dataset.data_root=/data/my videos',
               'test_dataloader.dataset.data_prefix.video="frames, v2"', 'load_from=a b.pth',
               'work_dir=out/run 1', 'train_cfg.max_epochs=20', 'model.test_cfg.compile=True',
               'test_evaluator.tious=0.3,0.5', "model.backbone.out_endpoints=['Mixed_4f', 'x']")
    ours = parse(PathDictAction, *options)
    assert ours == {'train_dataloader.dataset.data_root': '/data/my videos',
                    'test_dataloader.dataset.data_prefix.video': 'frames, v2',
                    'load_from': 'a b.pth', 'work_dir': 'out/run 1',
                    'train_cfg.max_epochs': 20, 'model.test_cfg.compile': True,
                    'test_evaluator.tious': [0.3, 0.5],
                    'model.backbone.out_endpoints': ['Mixed_4f', 'x']}
    # MMEngine's, which MMAction2's own tools use: every space gone, commas split.
    theirs = parse(DictAction, *options)
    assert theirs['train_dataloader.dataset.data_root'] == '/data/myvideos'
    assert theirs['test_dataloader.dataset.data_prefix.video'] == ['frames', 'v2']
    with pytest.raises(SystemExit):
        parse(PathDictAction, 'no_equals_sign')
