"""Which runtime runs a detector's network: PyTorch, or ONNX Runtime on an exported file."""
import importlib.util

RUNTIMES = ('auto', 'pytorch', 'onnxruntime')


def deploy_extras_installed() -> bool:
    """Whether onnx, onnxscript and onnxruntime can be imported."""
    return all(importlib.util.find_spec(name) is not None
               for name in ('onnx', 'onnxscript', 'onnxruntime'))


def resolve_runtime(runtime: str, device: str) -> str:
    """'pytorch' or 'onnxruntime' for ``runtime`` on ``device``.

    'auto' is ONNX Runtime on the CPU when the deploy extras are installed (the fastest path
    there with the same detections, docs/performance.md), else PyTorch.

    Raises:
        ValueError: For a runtime not in RUNTIMES.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f'runtime must be one of {RUNTIMES}, got {runtime!r}')
    if runtime != 'auto':
        return runtime
    return 'onnxruntime' if device == 'cpu' and deploy_extras_installed() else 'pytorch'
