"""A detector whose test-time network runs in OpenVINO, from an exported ONNX file."""
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import MODELS

from .exported_detector import ExportedDetector, Graph
from .onnx_export import import_deploy


def compile_config(num_threads: int | None = None) -> dict:
    """OpenVINO's CPU settings for an exported detector network: float32 (the CPU plugin would
    otherwise run in bf16 on a CPU with bf16 units, which moves the detections), latency mode
    (one inference at a time on all the threads, the faster for the video API's window
    batches; docs/performance.md), ``num_threads`` threads (None: torch's thread count)."""
    return {'INFERENCE_PRECISION_HINT': 'f32', 'PERFORMANCE_HINT': 'LATENCY',
            'INFERENCE_NUM_THREADS': num_threads or torch.get_num_threads()}


@MODELS.register_module()
class OpenVINODetector(ExportedDetector):
    """Test a detector exported by ``tools/deployment/export_onnx.py`` in OpenVINO
    (``tools/test.py --backend openvino``); see :class:`ExportedDetector`.

    OpenVINO reads the ONNX file itself: there is no second export. It runs with
    :func:`compile_config`'s settings: float32, latency mode.

    Args:
        onnx_file: The exported .onnx file.
        detector: Config of the PyTorch detector it was exported from.
        device: OpenVINO device. Defaults to 'CPU'.
        num_threads: OpenVINO's inference threads. Defaults to None: torch's thread count
            (``torch.get_num_threads()``).
        data_preprocessor: Defaults to None: the detector's.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, onnx_file: str, detector: dict, device: str = 'CPU',
                 num_threads: int | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        self._ov = import_deploy('openvino')
        super().__init__(onnx_file, detector, data_preprocessor, init_cfg)
        self.device_name = device
        self.num_threads = num_threads
        self.load_graphs()

    def load(self, onnx_file: str | Path) -> Graph:
        """See :meth:`ExportedDetector.load`."""
        compiled = self._ov.Core().compile_model(str(onnx_file), self.device_name,
                                                 compile_config(self.num_threads))
        outputs = {port.get_any_name(): port for port in compiled.outputs}
        request = compiled.create_infer_request()

        def run(array: np.ndarray) -> dict[str, np.ndarray]:
            # The inputs are read in place; the outputs come back as copies of the request's
            # buffers, which the next call reuses.
            results = request.infer({0: array}, share_inputs=True)
            return {name: results[port] for name, port in outputs.items()}
        return run
