"""The test-time network exported to ONNX (tools/deployment/export_onnx.py) and run by ONNX
Runtime and OpenVINO through tools/test.py --backend onnxruntime|openvino and init_detector /
inference_detector.

Each runtime runs every operator with its own kernels, so its sums come in another order:
raw outputs are compared within the envelope of the convolutions' and linear layers'
reordering bounds (tests/rounding.py), each window's detections within the tolerances that
envelope gives decoded scores and segments. After merging, soft-NMS (sigma 0.01) multiplies a
score by exp(-IoU^2 / sigma) for each better overlapping detection, which turns a boundary's
last-bit change into a score change a few hundred times larger: merged detections are checked
to be the same detections (each matched at tIoU 0.9, boundaries within the window tolerance),
not for their scores' last digits. Skipped without the deploy extras
(pip install -e '.[deploy]').
"""
import json
import pickle

import numpy as np
import pytest
import torch

from gaf_mmaction.apis import inference_detector, init_detector
from gaf_mmaction.deployment import ONNXRuntimeDetector, OpenVINODetector
from gaf_mmaction.evaluation.detection_comparison import compare_detections
from gaf_mmaction.utils import ConfigMismatchError
from tests.helpers import TINY_CONFIG, run_tool
from tests.rounding import decoded_tolerances, reducing_layers, rounding_envelope

pytest.importorskip('onnxruntime')
pytest.importorskip('onnxscript')
pytest.importorskip('openvino')

DECODED = ('loc', 'prop_loc', 'conf', 'prop_conf', 'center', 'priors')
RUNTIMES = {'onnxruntime': ONNXRuntimeDetector, 'openvino': OpenVINODetector}


@pytest.fixture(scope='module')
def exported(trained_work_dir):
    """(checkpoint, .onnx file) of the one-epoch tiny model, exported by the tool to where
    the video API looks for it (beside the checkpoint)."""
    checkpoint = trained_work_dir / 'epoch_1.pth'
    output = run_tool('tools/deployment/export_onnx.py', TINY_CONFIG,
                      str(checkpoint), timeout=900).output
    onnx_file = checkpoint.with_suffix('.onnx')
    assert f'wrote {onnx_file} (' in output
    return str(checkpoint), onnx_file


@pytest.fixture(scope='module')
def compared(exported) -> dict:
    """PyTorch's and each runtime's outputs for 1 and 3 random clips, the envelope of the
    reordering bounds for each, and the decoded tolerances of the larger batch."""
    checkpoint, onnx_file = exported
    pytorch = init_detector(TINY_CONFIG, checkpoint, 'cpu')
    runtimes = {name: init_detector(TINY_CONFIG, str(onnx_file), 'cpu', runtime=name)
                for name in RUNTIMES}
    runs = {}
    for batch in (1, 3):  # the batch axis is dynamic (exported at 2)
        torch.manual_seed(batch)
        clips = torch.rand(batch, 3, 64, 32, 32) * 2 - 1
        with torch.no_grad():
            expected = pytorch.test_outputs(clips)
            envelope = rounding_envelope(lambda inputs=clips: pytorch.test_outputs(inputs),
                                         reducing_layers(pytorch))
            runs[batch] = (expected, {name: model(clips) for name, model in runtimes.items()},
                           envelope)
    expected, _, envelope = runs[3]
    return dict(pytorch=pytorch, runtimes=runtimes, runs=runs,
                tolerances=decoded_tolerances(envelope, expected, pytorch.clip_length))


@pytest.mark.parametrize('name', RUNTIMES)
def test_each_runtime_gives_the_pytorch_outputs_at_any_batch(compared, name):
    pytorch, runtime = compared['pytorch'], compared['runtimes'][name]
    assert type(runtime) is RUNTIMES[name]
    # The checkpoint's class names travel in the file.
    assert runtime.dataset_meta['classes'] == list(pytorch.dataset_meta['classes'])
    for expected, outputs, envelope in compared['runs'].values():
        got = outputs[name]
        assert sorted(got) == sorted(DECODED)
        for key in DECODED:
            assert got[key].shape == expected[key].shape, key
            assert (got[key].double() - expected[key].double()).abs().max() <= envelope[key], key


def test_tools_test_on_each_runtime_gives_the_pytorch_detections(exported, compared,
                                                                   data_options, tmp_path):
    checkpoint, onnx_file = exported
    windows, results = {}, {}
    for backend, model in (('pytorch', checkpoint),
                           *((name, str(onnx_file)) for name in RUNTIMES)):
        out, dump = tmp_path / f'{backend}.json', tmp_path / f'{backend}.pkl'
        run_tool('tools/test.py', TINY_CONFIG, model, '--backend', backend,
                 '--work-dir', str(tmp_path / backend), '--out', str(out), '--dump', str(dump),
                 '--cfg-options', *data_options)
        results[backend] = json.loads(out.read_text())['results']
        windows[backend] = pickle.loads(dump.read_bytes())
    score_tolerance, frame_tolerance = compared['tolerances']
    assert sum(map(len, results['pytorch'].values())) > 0
    for name in RUNTIMES:
        assert len(windows[name]) == len(windows['pytorch']) > 0
        for expected, got in zip(windows['pytorch'], windows[name]):
            expected, got = expected['pred_instances'], got['pred_instances']
            assert torch.equal(got['labels'], expected['labels'])
            assert (got['scores'] - expected['scores']).abs().max() <= score_tolerance
            # Segments are in seconds of 10 fps frames.
            assert (got['segments'] - expected['segments']).abs().max() <= frame_tolerance / 10
        same = compare_detections(results['pytorch'], results[name])
        assert same['reference'] == same['other'] == same['matched'], name
        assert same['max_boundary_difference'] <= frame_tolerance / 10


@pytest.mark.parametrize('name', RUNTIMES)
def test_inference_detector_runs_the_onnx_file(compared, name):
    frames = np.random.default_rng(0).integers(0, 256, (150, 40, 40, 3), dtype=np.uint8)
    expected = inference_detector(compared['pytorch'], frames)
    got = inference_detector(compared['runtimes'][name], frames)
    same = compare_detections({'v': expected}, {'v': got})
    assert same['reference'] == same['other'] == same['matched'] > 0
    assert same['max_boundary_difference'] <= compared['tolerances'][1] / 10


def test_the_video_demo_runs_openvino_on_the_cpu_by_default(exported, compared, tmp_path):
    # The checkpoint's export is there (the fixture's): the demo reuses it, not exports again.
    checkpoint, onnx_file = exported
    assert type(init_detector(TINY_CONFIG, checkpoint, 'cpu', runtime='auto')) is \
        OpenVINODetector
    frames = np.random.default_rng(0).integers(0, 256, (150, 40, 40, 3), dtype=np.uint8)
    np.save(tmp_path / 'video.npy', frames)
    written = onnx_file.stat().st_mtime_ns
    run_tool('demo/detect_video.py', str(tmp_path / 'video.npy'), TINY_CONFIG,
             checkpoint, '--device', 'cpu', '--out-json', str(tmp_path / 'dets.json'))
    assert onnx_file.stat().st_mtime_ns == written
    detections = json.loads((tmp_path / 'dets.json').read_text())['detections']
    same = compare_detections({'v': inference_detector(compared['runtimes']['openvino'],
                                                       frames)}, {'v': detections})
    assert same['reference'] == same['other'] == same['matched'] > 0
    assert same['max_boundary_difference'] <= compared['tolerances'][1] / 10


@pytest.mark.parametrize('name', RUNTIMES)
def test_clips_of_another_shape_are_refused_naming_the_file(exported, compared, name):
    _, onnx_file = exported
    with pytest.raises(ConfigMismatchError, match=rf'{onnx_file.name} was exported for clips '
                                                  r'\[3, 64, 32, 32\]'):
        compared['runtimes'][name](torch.zeros(1, 3, 64, 48, 48))


@pytest.mark.parametrize('name', RUNTIMES)
def test_without_the_deploy_extras_the_tools_say_what_to_install(exported, data_options,
                                                                 tmp_path, name):
    _, onnx_file = exported
    blocker = tmp_path / f'{name}.py'
    blocker.write_text("raise ImportError('not installed')\n")
    proc = run_tool('tools/test.py', TINY_CONFIG, str(onnx_file),
                    '--backend', name, '--work-dir', str(tmp_path / 'w'),
                    '--cfg-options', *data_options, check=False,
                    env_update=dict(PYTHONPATH=f'{tmp_path}:.'))
    assert proc.returncode == 1
    assert f"need {name}, which is not installed: pip install -e '.[deploy]'" in proc.stderr
    assert 'Traceback' not in proc.stderr
