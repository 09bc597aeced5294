"""Which runtime runs a detector's network: PyTorch, or ONNX Runtime or OpenVINO on an
exported file."""
import importlib.util

RUNTIMES = ('auto', 'pytorch', 'onnxruntime', 'openvino')
# The registered detector that runs an exported file in each runtime, fastest on the CPU first
# (docs/performance.md): 'auto' takes the first one installed.
EXPORTED_DETECTORS = {'openvino': 'OpenVINODetector', 'onnxruntime': 'ONNXRuntimeDetector'}


def runtime_installed(runtime: str) -> bool:
    """Whether the exporter (onnx, onnxscript) and ``runtime``'s package can be imported."""
    return all(importlib.util.find_spec(name) is not None
               for name in ('onnx', 'onnxscript', runtime))


def resolve_runtime(runtime: str, device: str) -> str:
    """'pytorch', 'onnxruntime' or 'openvino' for ``runtime`` on ``device``.

    'auto' on the CPU is the fastest installed runtime with the same detections
    (docs/performance.md): OpenVINO, else ONNX Runtime (both come with the deploy extras),
    else PyTorch; elsewhere PyTorch.

    Raises:
        ValueError: For a runtime not in RUNTIMES.
    """
    if runtime not in RUNTIMES:
        raise ValueError(f'runtime must be one of {RUNTIMES}, got {runtime!r}')
    if runtime != 'auto':
        return runtime
    if device == 'cpu':
        return next((name for name in EXPORTED_DETECTORS if runtime_installed(name)), 'pytorch')
    return 'pytorch'


def exported_model_config(model_cfg: dict, onnx_file: str, runtime: str, **kwargs) -> dict:
    """The config of the detector (``EXPORTED_DETECTORS[runtime]``) that runs ``onnx_file``,
    exported from the detector of ``model_cfg`` (its data preprocessor and decoding)."""
    return dict(type=EXPORTED_DETECTORS[runtime], onnx_file=str(onnx_file),
                detector=dict(model_cfg), **kwargs)
