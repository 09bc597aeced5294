"""Two torchrun nodes on one machine (one gloo process each): a node whose peer fails is not
left waiting, and a teardown crash after the last collective cannot fail a node."""
import os
import subprocess
import sys
import time

import pytest

from tests.helpers import REPO, TEST_DATA

pytestmark = pytest.mark.distributed

CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_rank_failure.py')


def two_nodes(tmp_path, data_options, how: str, port: int) -> tuple[list, list[str], float]:
    """Exit statuses and outputs of nodes 0 and 1, and the seconds until both ended."""
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1', PYTHON=sys.executable,
               PYTHONPATH=str(REPO), NNODES='2', MASTER_ADDR='127.0.0.1', PORT=str(port))
    start = time.monotonic()
    nodes = [subprocess.Popen(
        ['bash', 'tools/dist_train.sh', CONFIG, '1', '--work-dir', str(tmp_path / f'node{r}'),
         '--cfg-options', 'train_cfg.max_epochs=1', 'train_dataloader.batch_size=1',
         'train_cfg.val_interval=2', f'custom_hooks.0.how={how}', *data_options],
        cwd=REPO, env=dict(env, NODE_RANK=str(r)), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True) for r in (0, 1)]
    try:
        outputs = [node.communicate(timeout=240)[0] for node in nodes]
    except subprocess.TimeoutExpired:
        for node in nodes:
            node.kill()
        pytest.fail('a node was still running after 240 s')
    return [node.returncode for node in nodes], outputs, time.monotonic() - start


def test_a_crash_in_the_teardown_cannot_fail_a_node(tmp_path, data_options):
    # Rank 1's interpreter would exit 1 while shutting down, after training and the last
    # collective: node 0 had finished, and its torchrun then waited 300 s for node 1.
    statuses, outputs, seconds = two_nodes(tmp_path, data_options, 'exit', 29541)
    assert statuses == [0, 0], outputs[1][-3000:]
    assert seconds < 120


def test_a_node_whose_peer_fails_stops_naming_it(tmp_path, data_options):
    statuses, outputs, seconds = two_nodes(tmp_path, data_options, 'raise', 29543)
    assert statuses == [1, 1] and seconds < 120
    assert 'rank 1 fails after training (test)' in outputs[1]
    # Node 0 names its peer: gloo's closed connection, or the monitored barrier's missing rank.
    assert 'Connection closed by peer' in outputs[0] or 'Rank 1 failed to pass' in outputs[0], (
        outputs[0][-3000:])
