"""A detector whose test-time network runs in ONNX Runtime, from an exported file."""
from pathlib import Path

import numpy as np
import torch
from mmaction.registry import MODELS

from .exported_detector import ExportedDetector, Graph
from .onnx_export import import_deploy


@MODELS.register_module()
class ONNXRuntimeDetector(ExportedDetector):
    """Test a detector exported by ``tools/deployment/export_onnx.py`` in ONNX Runtime
    (``tools/test.py --backend onnxruntime``); see :class:`ExportedDetector`.

    Args:
        onnx_file: The exported .onnx file.
        detector: Config of the PyTorch detector it was exported from.
        providers: ONNX Runtime execution providers. Defaults to
            ('CPUExecutionProvider', ).
        intra_op_threads: ONNX Runtime's threads per operator. Defaults to
            None: torch's thread count (``torch.get_num_threads()``).
        data_preprocessor: Defaults to None: the detector's.
        init_cfg: MMEngine init config. Defaults to None.
    """

    def __init__(self, onnx_file: str, detector: dict,
                 providers: tuple[str, ...] = ('CPUExecutionProvider', ),
                 intra_op_threads: int | None = None, data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        self._ort = import_deploy('onnxruntime')
        super().__init__(onnx_file, detector, data_preprocessor, init_cfg)
        self.providers = list(providers)
        self.intra_op_threads = intra_op_threads
        self.load_graphs()

    def load(self, onnx_file: str | Path) -> Graph:
        """See :meth:`ExportedDetector.load`."""
        options = self._ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_threads or torch.get_num_threads()
        session = self._ort.InferenceSession(str(onnx_file), options, providers=self.providers)
        input_name = session.get_inputs()[0].name
        output_names = [output.name for output in session.get_outputs()]

        def run(array: np.ndarray) -> dict[str, np.ndarray]:
            return dict(zip(output_names, session.run(output_names, {input_name: array})))
        return run
