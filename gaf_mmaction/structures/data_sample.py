"""The data sample of a detection window, which the data loader can pin."""
from mmaction.structures import ActionDataSample
from mmengine.structures import BaseDataElement
from torch import Tensor


def pinned(element: BaseDataElement) -> BaseDataElement:
    """A copy of ``element`` whose tensors, nested elements' too, are in pinned memory."""
    copy = element.new()
    for key, value in element.items():
        if isinstance(value, BaseDataElement):
            copy.set_data({key: pinned(value)})
        elif isinstance(value, Tensor):
            copy.set_data({key: value.pin_memory()})
    return copy


class DetectionDataSample(ActionDataSample):
    """``ActionDataSample`` with ``pin_memory``, which the DataLoader's pinning thread calls.

    With ``pin_memory=True`` in a data loader on a CUDA machine, the targets and splice
    clips of every window are then copied to the GPU asynchronously, as the clips are.
    """

    def pin_memory(self) -> 'DetectionDataSample':
        """A copy whose tensors are in pinned memory (needs CUDA)."""
        return pinned(self)
