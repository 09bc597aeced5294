"""tools/benchmark.py on the tiny config: one JSON line per case, each mode, the baseline ratio."""
import json

import pytest

from tests.helpers import TEST_DATA, run_tool

TINY = TEST_DATA / 'configs' / 'gaf_tiny.py'
FIELDS = {'mode', 'config', 'batch_size', 'dtype', 'compile', 'device', 'torch', 'items_per_s',
          'ms_per_step', 'peak_gib'}


def lines(*args) -> list[dict]:
    proc = run_tool('tools/benchmark.py', TINY, '--device', 'cpu', *args)
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith('{')]


@pytest.mark.parametrize('mode,baseline_batch', [('test', 1), ('train', 8)])
def test_model_modes_with_their_baseline(mode, baseline_batch):
    # bf16 training is MMEngine's AmpOptimWrapper, for CUDA only.
    amp = ['--amp'] if mode == 'test' else []
    case, baseline, ratio = lines('--mode', mode, '--batch-size', '2', '--iters', '1', *amp,
                                  '--channels-last', '--baseline')
    assert FIELDS <= set(case) and FIELDS <= set(baseline)
    assert (case['mode'], case['batch_size'], case['dtype']) == (
        mode, 2, 'bfloat16' if amp else 'float32')
    assert (baseline['batch_size'], baseline['dtype'], baseline['baseline']) == (
        baseline_batch, 'float32', True)
    # The baseline is the published way: channels-first, and (training) per-tensor Adam.
    assert case['channels_last'] and not baseline['channels_last']
    if mode == 'train':
        # Training as the loop runs it (splice pass included) against the published step.
        assert case['fused_adam'] and not baseline['fused_adam']
        assert case['with_splice'] and not baseline['with_splice']
    assert case['items_per_s'] > 0 and case['peak_gib'] > 0
    # Items per second is the batch over the step time; the ratio is the two rates'. (Float64
    # figures a few roundings of 2^-53 apart: pytest.approx's relative 1e-6 is ample.)
    assert case['items_per_s'] == pytest.approx(2000 / case['ms_per_step'])
    assert ratio == dict(mode=mode, speedup=pytest.approx(
        case['items_per_s'] / baseline['items_per_s']))


def test_data_and_post_modes():
    [data] = lines('--mode', 'data', '--batch-size', '2', '--iters', '3', '--videos', '2')
    assert FIELDS <= set(data) and data['num_workers'] == 0 and data['items_per_s'] > 0
    [post] = lines('--mode', 'post', '--videos', '2')
    # The first two shipped THUMOS14 test videos (337 and 670 frames at 10 fps) give 9 + 1 and
    # 19 + 1 windows of 64 frames every 32 (the last one flush with the end).
    assert post['windows'] == 10 + 20 and post['seconds_per_test_set'] > 0
