"""Reading a device value on the host later, without waiting for the device now."""
import torch
from torch import Tensor


class HostCopy:
    """A copy of ``tensor`` on its way to the host, read with :meth:`get`.

    On CUDA the copy goes into pinned memory asynchronously and an event marks
    its end, so creating it costs no wait, and :meth:`get` waits only for that
    event (none at all once later work was waited for). On the CPU it is the
    tensor itself.
    """

    def __init__(self, tensor: Tensor) -> None:
        tensor = tensor.detach()
        self._event = None
        if tensor.device.type == 'cuda':
            self._host = torch.empty(tensor.shape, dtype=tensor.dtype, pin_memory=True)
            self._host.copy_(tensor, non_blocking=True)
            self._event = torch.cuda.Event()
            self._event.record()
        else:
            self._host = tensor

    def get(self) -> Tensor:
        """The value on the host (waits for the copy if it is still under way)."""
        if self._event is not None:
            self._event.synchronize()
        return self._host
