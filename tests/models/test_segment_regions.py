"""Segment arithmetic of docs/published_code.md §3.2."""
import torch

from gaf_mmaction.models.task_modules import frame_segments, level_segments, segment_regions


def test_worked_example():
    # t = 64 cells, cell c = 10, loc = (20, 30) frames of a 256-frame clip.
    loc = torch.zeros(1, 64, 2)
    loc[0, 10] = torch.tensor([20.0, 30.0])
    assert level_segments(loc, 256)[0, 10].tolist() == [4, 8, 14, 19]
    assert frame_segments(loc, 256)[0, 10].tolist() == [17, 35, 59, 77]


def test_minimum_region_and_half_to_even_rounding():
    # loc = (0, 0) at cell 0 of t = 2: level length 0 -> in = out = 1, so
    # [c - 1, c + 1, c - 1, c + 1]; frames: centre 64, length 1 -> same clamp.
    loc = torch.zeros(1, 2, 2)
    assert level_segments(loc, 256)[0, 0].tolist() == [-1, 1, -1, 1]
    assert frame_segments(loc, 256)[0, 0].tolist() == [63, 65, 63, 65]
    # Level length 10 cells: in 2.5, out 1 -> l + in = 2.5 rounds to 2 (even).
    loc = torch.zeros(1, 4, 2)
    loc[0, 0] = torch.tensor([0.0, 640.0])  # 640 / 256 * 4 = 10 cells
    assert level_segments(loc, 256)[0, 0].tolist() == [-1, 2, 8, 11]


def test_explicit_segment_regions_by_hand():
    # Frames [0, 109]: length 110, inner 110 / 4 = 27.5, outer 110 / 10 = 11:
    # [0 - 11, 0 + 27.5, 109 - 27.5, 109 + 11] -> 27.5 and 81.5 round half to even.
    assert segment_regions(torch.tensor([[0.0, 109.0]])).tolist() == [[-11, 28, 82, 120]]
