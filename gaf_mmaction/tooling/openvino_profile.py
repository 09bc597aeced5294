"""Where an exported network's time goes in OpenVINO's CPU plugin, and how far its convolutions
are from the CPU's arithmetic limit (``tools/analysis/profile_openvino.py``)."""
import time
from collections import Counter
from collections.abc import Iterator

import numpy as np

from ..deployment.onnx_export import import_deploy
from ..deployment.openvino_detector import compile_config
from ..utils import UserError

CONVOLUTIONS = ('Convolution', 'GroupConvolution')


def convolution_nodes(model) -> Iterator:
    """The convolution nodes of an OpenVINO model."""
    return (node for node in model.get_ordered_ops() if node.get_type_name() in CONVOLUTIONS)


def convolution_macs(model) -> dict[str, int]:
    """Multiply-adds of each convolution node of an OpenVINO model with static shapes, by node
    name: output elements x input channels per group x kernel elements.

    Args:
        model: An ``openvino.Model`` (its input shapes set, e.g. by ``reshape``).
    """
    macs = {}
    for node in convolution_nodes(model):
        weights = list(node.input(1).get_shape())
        if node.get_type_name() == 'GroupConvolution':
            weights = weights[1:]  # [groups, C_out / groups, C_in / groups, k...]
        macs[node.get_friendly_name()] = (int(np.prod(list(node.output(0).get_shape())))
                                          * int(np.prod(weights[1:])))
    return macs


def profile_openvino(onnx_file: str, batch_size: int = 2, iters: int = 3,
                     threads: int | None = None) -> dict:
    """Time an exported network (``tools/deployment/export_onnx.py``) in OpenVINO with the
    settings :class:`~gaf_mmaction.deployment.OpenVINODetector` runs it with
    (:func:`~gaf_mmaction.deployment.openvino_detector.compile_config`; ``threads`` None:
    torch's thread count) on random clips of its exported shape, after one untimed
    inference, and split its last inference by node. Seconds are per window (per clip of the
    batch of ``batch_size``).

    Returns:
        ``seconds_per_window`` (wall, mean over ``iters``), ``by_type`` ({node type: seconds
        per window} of the profiled inference, by OpenVINO's per-node counters),
        ``conv_gmacs_per_window``, ``conv_gmacs_by_length`` ({'3-D, length 128': GMAC per
        window, ...}: by the convolutions' outputs' dimensions and length along the first axis
        after the channels, which is time for 3-D and 1-D ones; largest first),
        ``conv_seconds_per_window``, ``conv_gmacs_per_second``
        (all convolutions together), ``fastest_conv`` (name, GMAC/s of the fastest of the
        convolutions doing at least 1 % of the multiply-adds) and ``conv_floor_seconds``
        (the convolutions' multiply-adds at that rate: a window's convolutions cannot take
        less unless each runs as fast as the fastest).
    """
    ov = import_deploy('openvino')
    core = ov.Core()
    model = core.read_model(onnx_file)
    # The exported clip shape [C, T, H, W] behind the dynamic batch.
    shape = [batch_size] + [dim.get_length() for dim in model.input(0).get_partial_shape()[1:]]
    model.reshape({0: shape})
    macs = convolution_macs(model)
    by_length = Counter()
    for node in convolution_nodes(model):
        output = node.output(0).get_shape()
        by_length[f'{len(output) - 2}-D, length {output[2]}'] += macs[node.get_friendly_name()]
    request = core.compile_model(model, 'CPU', dict(compile_config(threads), PERF_COUNT=True)
                                 ).create_infer_request()
    clips = np.random.default_rng(0).standard_normal(shape, dtype=np.float32)
    request.infer({0: clips})
    start = time.perf_counter()
    for _ in range(iters):
        request.infer({0: clips})
    seconds = (time.perf_counter() - start) / iters / batch_size

    by_type, conv_seconds = Counter(), {}
    for node in request.profiling_info:
        node_seconds = node.real_time.total_seconds() / batch_size
        by_type[node.node_type] += node_seconds
        if node.node_name in macs:
            conv_seconds[node.node_name] = node_seconds
    total_macs = sum(macs.values()) / batch_size
    timed = {name: macs[name] / batch_size / conv_seconds[name] for name in conv_seconds
             if conv_seconds[name] > 0 and macs[name] / batch_size >= 0.01 * total_macs}
    if not timed:
        raise UserError(f'{onnx_file}: OpenVINO timed none of its {len(macs)} convolutions by '
                        'name, so there is no rate to report (a network without convolutions, '
                        'or an OpenVINO that renames them)')
    fastest = max(timed, key=timed.get)
    conv_time = sum(by_type[kind] for kind in CONVOLUTIONS)
    return dict(seconds_per_window=seconds, by_type=dict(by_type.most_common()),
                conv_gmacs_per_window=total_macs / 1e9,
                conv_gmacs_by_length={key: value / batch_size / 1e9
                                      for key, value in by_length.most_common()},
                conv_seconds_per_window=conv_time,
                conv_gmacs_per_second=total_macs / 1e9 / conv_time,
                fastest_conv=(fastest, timed[fastest] / 1e9),
                conv_floor_seconds=total_macs / timed[fastest])
