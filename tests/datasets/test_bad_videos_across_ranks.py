"""Two gloo processes that see different bad files decide the same videos to skip."""
import os
import socket

import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

from gaf_mmaction.datasets.file_checks import handle_bad_videos

pytestmark = pytest.mark.distributed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _decide(rank: int, port: int, out: dict) -> None:
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    # Rank 0 finds video_a bad, rank 1 video_b (a node-local copy, say).
    problems = {'video_a': ['a.npy is empty' if rank == 0 else None],
                'video_b': ['b.npy is empty' if rank == 1 else None], 'video_c': [None]}
    out[rank] = sorted(handle_bad_videos(problems, 'skip', 'TestDataset'))
    try:
        handle_bad_videos(problems, 'error', 'TestDataset')
    except ValueError as err:
        out[f'error{rank}'] = str(err)
    dist.barrier()
    dist.destroy_process_group()


def test_every_rank_skips_the_union_of_bad_videos():
    with mp.Manager() as manager:
        out = manager.dict()
        mp.spawn(_decide, args=(_free_port(), out), nprocs=2, join=True)
        result = dict(out)
    assert result[0] == result[1] == ['video_a', 'video_b']
    # With 'error' both ranks raise, and each error lists both videos.
    assert all('video_a: a.npy is empty' in result[f'error{r}'] and
               'video_b: b.npy is empty' in result[f'error{r}'] for r in (0, 1))
