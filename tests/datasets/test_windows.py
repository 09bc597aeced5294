"""Training and test windows (docs/published_code.md §8.3, §9): hand examples, the real files."""
import numpy as np

from gaf_mmaction.datasets.annotation_files import (
    read_annotations,
    read_video_info,
    shipped_file,
)
from gaf_mmaction.datasets.windows import (
    boundary_targets,
    stream_windows,
    training_windows,
    window_offsets,
)


def test_offsets():
    assert window_offsets(256, 256, 30) == [0]
    assert window_offsets(256, 256, 128) == [0]
    assert window_offsets(255, 256, 128) == [0]
    assert window_offsets(300, 256, 30) == [0, 30, 44]
    assert window_offsets(316, 256, 30) == [0, 30, 60]
    assert window_offsets(600, 256, 128) == [0, 128, 256, 344]


def test_boundary_targets_by_hand():
    # Action [10, 50]: d = max(40 / 10, 2) = 4 -> start frames 8..12, end 48..52.
    # Action [60.5, 64]: d = 2 -> round(59.5) = 60 (half to even) .. round(61.5) = 62;
    # end round(63) .. round(65) = 63..65.
    scores = boundary_targets(np.array([[10, 50, 1], [60.5, 64, 2]]), 100)
    assert scores.dtype == np.float32 and set(np.unique(scores)) == {0.0, 1.0}
    assert np.flatnonzero(scores[0]).tolist() == [8, 9, 10, 11, 12, 60, 61, 62]
    assert np.flatnonzero(scores[1]).tolist() == [48, 49, 50, 51, 52, 63, 64, 65]
    # d = 9.8: regions [round(-3.9), round(5.9)] and [round(94.1), round(103.9)], clipped.
    edge = boundary_targets(np.array([[1, 99, 1]]), 100)
    assert np.flatnonzero(edge[0]).tolist() == list(range(7))  # round(1 + 4.9) = 6
    assert np.flatnonzero(edge[1]).tolist() == list(range(94, 100))
    # An action ending on the window's last frame (d = 2): round(99) .. round(101), clipped.
    last = boundary_targets(np.array([[88, 100, 1]]), 100)
    assert np.flatnonzero(last[1]).tolist() == [99]


def test_training_windows_by_hand():
    # 300 frames, windows of 100 every 50 frames: offsets 0, 50, 100, 150, 200.
    annos = [(20.0, 60.0, 1), (90.0, 130.0, 2), (240.0, 290.0, 3)]
    windows, min_length = training_windows(300, annos, 100, 50)
    # ioa = (min(offset + 100, e) - max(offset + 1, s)) / (e - s):
    # window 0 (1..100): action 1 whole, action 2 10/40 (dropped);
    # window 50 (51..150): action 1 9/40 (dropped), action 2 whole;
    # window 100 (101..200): action 2 29/40 kept as [1, 30] but nothing whole: no window;
    # window 150 (151..250): action 3 10/50: nothing; window 200: action 3 whole.
    assert [w['offset'] for w in windows] == [0, 50, 200]
    assert windows[0]['annotations'].tolist() == [[20, 60, 1]]
    assert windows[1]['annotations'].tolist() == [[40, 80, 2]]
    assert windows[2]['annotations'].tolist() == [[40, 90, 3]]
    # Shortest clipped action over all candidate windows, dropped ones included: [1, 30].
    assert min_length == 29
    assert windows[0]['boundaries'].shape == (2, 100)
    # Integer frames (a hand-written annotation) give the same float windows.
    again, _ = training_windows(300, [(20, 60, 1), (90, 130, 2), (240, 290, 3)], 100, 50)
    assert again[2]['annotations'].dtype == np.float64
    assert again[2]['annotations'].tolist() == [[40, 90, 3]]


def test_short_video_and_clipped_start():
    # An action starting before frame 1 is never whole (ioa 29.2 / 29.8), so alone it
    # keeps no window; beside a whole action it is kept, its start clipped to 1.
    assert training_windows(80, [(0.4, 30.2, 1)], 100, 50)[0] == []
    windows, min_length = training_windows(80, [(0.4, 30.2, 1), (40.0, 60.5, 2)], 100, 50)
    assert len(windows) == 1 and windows[0]['offset'] == 0
    assert windows[0]['annotations'].tolist() == [[1.0, 30.2, 1], [40.0, 60.5, 2]]
    assert min_length == 21  # ceil(20.5)


def test_published_window_counts():
    infos = read_video_info(shipped_file('thumos14', 'val_video_info.csv'))
    annos = read_annotations(shipped_file('thumos14', 'val_Annotation_ours.csv'), infos,
                             shipped_file('thumos14', 'Class_Index_Detection.txt'))
    assert len(infos) == 200 and sum(map(len, annos.values())) == 3007
    results = [training_windows(infos[v].sample_count, a, 256, 30) for v, a in annos.items()]
    windows = [w for video_windows, _ in results for w in video_windows]
    assert len(windows) == 7842
    assert max(len(w['annotations']) for w in windows) == 26
    lengths = [length for _, length in results]
    assert (min(lengths), max(lengths), float(np.median(lengths))) == (2, 256, 19.0)
    test_infos = read_video_info(shipped_file('thumos14', 'test_video_info.csv'))
    assert sum(len(window_offsets(i.sample_count, 256, 128))
               for i in test_infos.values()) == 3485


def test_an_action_half_inside_the_window_is_held():
    # Window 0 covers frames 1..100; action (80, 120) has (100 - 80) / 40 = 0.5 inside: held and
    # clipped to (80, 100). Action (85, 125) has 15 / 40 < 0.5 inside: left out.
    windows, _ = training_windows(300, [(10.0, 30.0, 1), (80.0, 120.0, 2), (85.0, 125.0, 3)],
                                  100, 200)
    assert windows[0]['offset'] == 0
    assert windows[0]['annotations'].tolist() == [[10.0, 30.0, 1.0], [80.0, 100.0, 2.0]]


def test_a_video_exactly_one_window_long():
    # 64 frames, 64-frame windows: one window, and (as for any short video) the splice length
    # also counts the actions it does not hold - here the 10-frame one running past the end.
    windows, min_length = training_windows(64, [(10.0, 40.0, 1), (60.0, 70.0, 2)], 64, 16)
    assert [w['offset'] for w in windows] == [0]
    assert windows[0]['annotations'].tolist() == [[10.0, 40.0, 1.0]]
    assert min_length == 10


def test_streamed_windows_are_the_offsets_windows_as_soon_as_they_are_complete():
    for num_frames in (1, 5, 63, 64, 65, 95, 96, 97, 128, 200):
        for clip_length, stride in ((64, 32), (64, 30), (8, 16)):
            frames = np.arange(num_frames)
            arrived = []

            def source(frames=frames, arrived=arrived):
                for frame in frames:
                    arrived.append(frame)
                    yield np.array([frame])

            streamed = []
            for offset, clip in stream_windows(source(), clip_length, stride):
                end = min(offset + clip_length, num_frames)
                # The window's own frames, yielded before any later frame was read
                # (the final flush window may come once the stream has ended).
                assert np.array_equal(clip[:, 0], frames[offset:end])
                assert len(arrived) == end or len(arrived) == num_frames
                streamed.append(offset)
            assert streamed == window_offsets(num_frames, clip_length, stride), (
                num_frames, clip_length, stride)
