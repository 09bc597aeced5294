"""Run by test_ddp_passes.py under torchrun (2 gloo processes): a few steps of each pass with
one DDP wrapper over the whole model, then with one per pass, from the same start and data.

    python -m torch.distributed.run --nproc_per_node 2 tests/engine/ddp_passes_worker.py OUT
writes OUT/<wrapper>_rank<r>.pth: the model's state dict after the steps.
"""
import sys
import tempfile
from pathlib import Path

import torch
import torch.distributed as dist
from mmaction.registry import DATASETS, MODELS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.model import MMDistributedDataParallel
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope

from gaf_mmaction.engine import TwoPassDistributedDataParallel
from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like

CONFIG = Path(__file__).resolve().parents[1] / 'data' / 'configs' / 'gaf_tiny.py'


def main(out: Path) -> None:
    dist.init_process_group('gloo')
    rank = dist.get_rank()
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIG)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_thumos_like(tmp, TINY_VIDEOS)
        cfg.train_dataloader.dataset.update(
            data_prefix=dict(video=files['video_dir']), video_info_file=files['video_info_file'],
            ann_file=files['ann_file'], class_index_file=files['class_index_file'])
        torch.manual_seed(0)
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        # Each rank its own windows (the first with a successful splice, for the splice pass).
        batches = [pseudo_collate([dataset[2 * i + rank], dataset[(2 * i + rank + 1) % 5]])
                   for i in range(2)]
    for name in ('single', 'per_pass'):
        torch.manual_seed(rank)  # different initial weights per rank: DDP makes them rank 0's
        model = MODELS.build(cfg.model)
        if name == 'single':
            wrapped = MMDistributedDataParallel(module=model, device_ids=None,
                                                broadcast_buffers=False,
                                                find_unused_parameters=True)
        else:
            wrapped = TwoPassDistributedDataParallel(model)
        wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
        model.train()
        for epoch, batch in enumerate(batches, 1):
            for pass_name in ('cvae', 'detector'):
                model.set_train_state(pass_name, epoch)
                wrapped.train_step(batch, optim_wrapper=wrappers[pass_name])
        torch.save(model.state_dict(), out / f'{name}_rank{rank}.pth')
    dist.barrier()
    dist.destroy_process_group()


if __name__ == '__main__':
    main(Path(sys.argv[1]))
