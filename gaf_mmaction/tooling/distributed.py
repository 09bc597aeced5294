"""Distributed set-up and teardown of the tools (MMEngine 0.10 with current torch)."""
import datetime
import logging
import os
import sys

import torch
import torch.distributed as dist
from mmengine.config import Config

# How long the last barrier waits for a rank that does not come (it died, or hangs).
FINAL_BARRIER_SECONDS = 120


def init_cpu_distributed(cfg: Config, launcher: str) -> None:
    """Start a gloo process group when launched distributed on a machine without CUDA.

    MMEngine's own initialisation calls ``torch.cuda.set_device``, which fails
    on CPU; with the group already up the Runner skips it. A plain DDP
    wrapper then must not be given ``device_ids`` (our two-pass wrapper
    chooses them itself).
    """
    if launcher == 'none' or torch.cuda.is_available():
        return
    if not dist.is_initialized():
        timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout')
        timeout = None if timeout is None else datetime.timedelta(seconds=timeout)
        store, rank, world_size = next(dist.rendezvous('env://', timeout=timeout or
                                                       dist.default_pg_timeout))
        # torchrun's static rendezvous keeps one store across restarts, without a prefix per
        # attempt: a restarted rank could read the previous attempt's addresses of its peers
        # (dead ports) and fail to connect. Each attempt gets its own keys.
        attempt = os.environ.get('TORCHELASTIC_RESTART_COUNT', '0')
        dist.init_process_group('gloo', store=dist.PrefixStore(f'attempt_{attempt}', store),
                                rank=rank, world_size=world_size, timeout=timeout)
    cfg.setdefault('model_wrapper_cfg', dict(type='MMDistributedDataParallel'))
    if cfg.model_wrapper_cfg.get('type') != 'TwoPassDistributedDataParallel':
        cfg.model_wrapper_cfg.update(device_ids=None, broadcast_buffers=False)


def finish_distributed() -> None:
    """Meet every rank once more, close the process group and end this process at once.

    A rank that fails before the end makes the others fail too, naming it: on gloo a
    monitored barrier names the ranks that did not arrive within
    ``FINAL_BARRIER_SECONDS`` (a dead peer's closed connection is named at once); NCCL's
    barrier fails within the collective timeout (``env_cfg.dist_cfg.timeout``). Past the
    barrier every rank leaves through ``os._exit(0)`` once its logs are flushed: nothing in
    the interpreter's teardown (where CPU runs of several processes were seen to abort) can
    then fail one node after the others finished - torchrun on each of the others would wait
    300 s for it in its exit barrier. Does nothing outside a distributed run.
    """
    if not (dist.is_available() and dist.is_initialized()):
        return
    if dist.get_backend() == 'gloo':
        dist.monitored_barrier(timeout=datetime.timedelta(seconds=FINAL_BARRIER_SECONDS),
                               wait_all_ranks=True)
    else:
        dist.barrier()
    dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
