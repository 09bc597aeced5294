"""The OpenVINO profile's multiply-add counts (against the convolution formula) and its time
split."""
import pytest
import torch
from torch import nn

from gaf_mmaction.tooling.openvino_profile import convolution_macs, profile_openvino

ov = pytest.importorskip('openvino')


class TwoConvolutions(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.plain = nn.Conv3d(3, 8, kernel_size=(3, 5, 5), stride=2, padding=1)
        self.grouped = nn.Conv3d(8, 4, kernel_size=3, padding=1, groups=2)

    def forward(self, clips: torch.Tensor) -> torch.Tensor:
        return self.grouped(self.plain(clips))


@pytest.fixture(scope='module')
def onnx_file(module_tmp):
    path = module_tmp('profile') / 'two_convolutions.onnx'
    with torch.no_grad():
        torch.onnx.export(TwoConvolutions().eval(), (torch.zeros(2, 3, 8, 16, 16),), str(path),
                          dynamo=True, input_names=['clips'], verbose=False,
                          dynamic_shapes={'clips': {0: torch.export.Dim('batch', min=1)}})
    return str(path)


def static_model(onnx_file: str, batch_size: int):
    model = ov.Core().read_model(onnx_file)
    model.reshape({0: [batch_size, 3, 8, 16, 16]})
    return model


def test_multiply_adds_are_outputs_times_inputs_per_group_times_kernel(onnx_file):
    model = static_model(onnx_file, 2)
    # [2, 3, 8, 16, 16] -> plain: [2, 8, 4, 7, 7] (floor((8 + 2 - 3) / 2) + 1 = 4, ... 7), each
    # output 3 x 3 x 5 x 5 multiply-adds -> grouped: [2, 4, 4, 7, 7], each 8 / 2 x 27.
    assert sorted(convolution_macs(model).values()) == sorted([
        2 * 8 * 4 * 7 * 7 * 3 * 75, 2 * 4 * 4 * 7 * 7 * 4 * 27])


def test_the_profile_splits_a_window_and_bounds_the_convolutions(onnx_file):
    profile = profile_openvino(onnx_file, batch_size=2, iters=2, threads=1)
    assert profile['conv_gmacs_per_window'] * 1e9 == pytest.approx(
        (8 * 4 * 7 * 7 * 3 * 75 + 4 * 4 * 7 * 7 * 4 * 27), rel=1e-12)
    assert profile['conv_gmacs_by_length'] == pytest.approx({
        '3-D, length 4': (8 * 4 * 7 * 7 * 3 * 75 + 4 * 4 * 7 * 7 * 4 * 27) / 1e9}, rel=1e-12)
    assert set(profile['by_type']) >= {'Convolution', 'GroupConvolution'}
    # Each convolution runs at most as fast as the fastest, so the floor is at most their time.
    assert 0 < profile['conv_floor_seconds'] <= profile['conv_seconds_per_window']
    assert profile['fastest_conv'][0] in convolution_macs(static_model(onnx_file, 2))
