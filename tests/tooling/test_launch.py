"""Our tools' data flags: --data-root for every split, validation following the test split."""
from gaf_mmaction.tooling.config_loading import load_config
from tests.helpers import TINY_CONFIG


def roots(cfg):
    return [cfg[f'{split}_dataloader'].dataset.data_root for split in ('train', 'val', 'test')]


def test_data_root_and_test_options_reach_validation():
    cfg = load_config(TINY_CONFIG, None, 'none', None, data_root='/data/mine')
    assert roots(cfg) == ['/data/mine'] * 3
    # The GAF configs validate on the test data: a test option changes validation too.
    cfg = load_config(TINY_CONFIG, {'test_dataloader.dataset.data_root': '/t',
                                    'test_evaluator.gt_file': '/t/gt.json'}, 'none', None)
    assert roots(cfg) == [None, '/t', '/t'] and cfg.val_evaluator.gt_file == '/t/gt.json'
    # Unless validation is named: then each keeps its own.
    cfg = load_config(TINY_CONFIG, {'test_dataloader.dataset.data_root': '/t',
                                    'val_dataloader.dataset.data_root': '/v'}, 'none', None)
    assert roots(cfg) == [None, '/v', '/t']
    assert cfg.work_dir == 'work_dirs/gaf_tiny'
