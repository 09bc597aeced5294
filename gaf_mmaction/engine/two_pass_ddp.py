"""Distributed data parallel for two-pass training: each pass all-reduces its own gradients."""
import torch
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from ..structures.two_pass import DETECTOR_PASS, PASSES


# MMEngine's own registry: the Runner looks wrappers up there, not in MMAction2's.
@MODEL_WRAPPERS.register_module()
class TwoPassDistributedDataParallel(nn.Module):
    """One ``MMDistributedDataParallel`` per training pass over the same model.

    A single DDP wrapper all-reduces every trainable parameter's gradient
    after every backward pass, so the CVAE pass would send the detector's
    gradients (zeros it never made) and the detector pass the CVAEs': about
    608 MB per step for the published sizes, and ``find_unused_parameters``
    must search the graph for the missing ones. Here the pass's own wrapper
    runs each step (the model's ``train_pass``), and it all-reduces exactly
    what the pass trains (``model.pass_parameters``). Validation and testing
    call the model directly, as ``MMDistributedDataParallel`` does.

    Args:
        module: A two-pass model (``GAFDetector``, ``GAFDistiller``).
        broadcast_buffers: Send rank 0's buffers before every forward pass.
            Defaults to False: GAF's batch norms are frozen, and
            ``SyncBuffersHook`` averages buffers after every epoch anyway.
        find_unused_parameters: Let a pass leave some of its parameters
            without gradient (DDP then searches the graph at every step).
            Defaults to False: each pass uses all it trains.
        device_ids: DDP's ``device_ids``. Defaults to None: the current CUDA
            device when the model is on one, else none (CPU, gloo).
        **kwargs: Further ``DistributedDataParallel`` arguments.
    """

    def __init__(self, module: nn.Module, broadcast_buffers: bool = False,
                 find_unused_parameters: bool = False, device_ids: list[int] | None = None,
                 **kwargs) -> None:
        super().__init__()
        self.module = module
        on_cuda = next(module.parameters()).is_cuda
        if device_ids is None and on_cuda:
            device_ids = [torch.cuda.current_device()]
        names = [name for name, _ in module.named_parameters()]
        buffers = [name for name, _ in module.named_buffers()]
        # Not registered as submodules: they share ``module``, whose state dict is the model's.
        self.passes: dict[str, MMDistributedDataParallel] = {}
        for pass_name in PASSES:
            trained = {name for name, _ in module.pass_parameters(pass_name)}
            # The buffers are made equal once, by the detector pass's wrapper.
            ignored = [n for n in names if n not in trained] + (
                buffers if pass_name != DETECTOR_PASS else [])
            DistributedDataParallel._set_params_and_buffers_to_ignore_for_model(module, ignored)
            self.passes[pass_name] = MMDistributedDataParallel(
                module=module, broadcast_buffers=broadcast_buffers,
                find_unused_parameters=find_unused_parameters,
                device_ids=device_ids if on_cuda else None, **kwargs)
        del module._ddp_params_and_buffers_to_ignore

    def train_step(self, data: dict | tuple | list, optim_wrapper) -> dict:
        """The step of the model's current pass, through that pass's DDP wrapper."""
        return self.passes[self.module.train_pass].train_step(data, optim_wrapper)

    def val_step(self, data: dict | tuple | list) -> list:
        """The model's own ``val_step`` (no gradients to synchronise)."""
        return self.module.val_step(data)

    def test_step(self, data: dict | tuple | list) -> list:
        """The model's own ``test_step``."""
        return self.module.test_step(data)
