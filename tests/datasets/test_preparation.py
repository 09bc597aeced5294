"""Video -> frame arrays (docs/published_code.md §8.1, docs/activitynet.md) on small generated
videos and annotation files."""
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from gaf_mmaction.datasets.annotation_files import VideoInfo, read_video_info
from gaf_mmaction.preparation import (
    TruncatedVideoError,
    activitynet_video_info,
    capped_fps,
    read_video,
    sample_frames,
    tvl1_flow,
    tvl1_flow_stream,
)
from gaf_mmaction.testing import write_activitynet_like, write_mp4
from tests.helpers import run_tool


def test_sampling_rule():
    assert list(sample_frames(range(1, 13), fps=30)) == [3, 6, 9, 12]
    # 25 fps: step 2.5 keeps frames 3, 5, 8, 10, 13, ... (floor(count * 10 / 25) of them).
    assert list(sample_frames(range(1, 26), fps=25)) == [3, 5, 8, 10, 13, 15, 18, 20, 23, 25]
    with pytest.raises(ValueError, match='Cannot sample 10.0 fps from a 5 fps video'):
        list(sample_frames(range(3), fps=5))


@pytest.fixture(scope='module')
def video(module_tmp):
    """12 frames at 30 fps; frame i (1-based) is a flat grey of value 20 * i."""
    path = module_tmp('videos') / 'clip_one.avi'
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 30.0, (64, 48))
    for i in range(1, 13):
        writer.write(np.full((48, 64, 3), 20 * i, np.uint8))
    writer.release()
    return path


def test_read_video(video):
    frames, info = read_video(video, size=16)
    assert frames.shape == (4, 16, 16, 3) and frames.dtype == np.uint8
    assert np.abs(frames.mean(axis=(1, 2, 3)) - [60, 120, 180, 240]).max() < 3  # frames 3, 6, 9, 12
    assert (info.fps, info.count, info.sample_count) == (30.0, 12.0, 4)
    with pytest.raises(OSError, match='Cannot open video'):
        read_video(video.parent / 'missing.avi')


@pytest.fixture(scope='module')
def cut_mp4(module_tmp):
    """A 10 s MP4 (30 fps, index first, as downloads are) and its first half, as a broken
    download leaves it: it opens and states 300 frames but decodes fewer."""
    folder = module_tmp('mp4')
    frames = np.random.default_rng(0).integers(0, 256, (300, 32, 32, 3), dtype=np.uint8)
    whole = write_mp4(folder / 'whole.mp4', frames, 30.0)
    cut = folder / 'cut.mp4'
    cut.write_bytes(whole.read_bytes()[:whole.stat().st_size // 2])
    return whole, cut


def test_a_truncated_video_is_refused_unless_allowed(cut_mp4, warnings_log):
    whole, cut = cut_mp4
    assert read_video(whole, size=8)[1].count == 300
    with pytest.raises(TruncatedVideoError, match=r'cut.mp4: decoded (\d+) of the 300 frames its '
                                                  r'container states \(\d+\.\d s of 10\.0 s\)'):
        read_video(cut, size=8)
    frames, info = read_video(cut, size=8, allow_truncated=True)
    assert 0 < info.count < 285 and len(frames) == info.sample_count == int(info.count // 3)
    assert any('keeping the' in line and 'cut.mp4' in line for line in warnings_log)


def test_tool_lists_a_truncated_video_and_writes_nothing_for_it(cut_mp4, tmp_path):
    folder = tmp_path / 'videos'
    folder.mkdir()
    for path in cut_mp4:
        (folder / path.name).write_bytes(path.read_bytes())
    proc = run_tool('tools/data/videos_to_npy.py', folder, tmp_path / 'npy', '--info-csv',
                    tmp_path / 'info.csv', '--size', '8', '--num-workers', '1', check=False)
    assert proc.returncode == 1
    assert 'cut.mp4: decoded' in proc.stderr and '--allow-truncated' in proc.stderr
    assert sorted(p.name for p in (tmp_path / 'npy').iterdir()) == ['whole.npy']
    proc = run_tool('tools/data/videos_to_npy.py', folder, tmp_path / 'npy', '--info-csv',
                    tmp_path / 'info.csv', '--size', '8', '--allow-truncated')
    infos = read_video_info(str(tmp_path / 'info.csv'))
    assert infos['whole'].sample_count == 100 and 0 < infos['cut'].sample_count < 95
    assert len(np.load(tmp_path / 'npy' / 'cut.npy')) == infos['cut'].sample_count


def test_tvl1_flow_of_a_moving_pattern():
    rng = np.random.default_rng(0)
    texture = cv2.GaussianBlur(rng.integers(0, 256, (40, 60), dtype=np.uint8), (5, 5), 0)
    frames = np.stack([np.repeat(texture[:, 10 - 2 * t:50 - 2 * t, None], 3, -1)
                       for t in range(3)])  # content moves 2 px right per frame
    flow = tvl1_flow(frames)
    assert flow.shape == (3, 40, 40, 2) and np.array_equal(flow[2], flow[1])
    # 2 px maps to (2 + 20) * 255 / 40 = 140.25; zero vertical motion to 127.5.
    assert abs(np.median(flow[0, 10:30, 10:30, 0]) - 140) <= 2
    assert abs(np.median(flow[0, 10:30, 10:30, 1]) - 128) <= 2
    # Streamed as the frames come: each frame with its flow, the last flow repeated.
    pairs = list(tvl1_flow_stream(iter(frames)))
    assert all(np.array_equal(frame, frames[i]) and np.array_equal(f, flow[i])
               for i, (frame, f) in enumerate(pairs)) and len(pairs) == 3


def test_tool_writes_frames_and_info(video, tmp_path):
    run_tool('tools/data/videos_to_npy.py', video.parent, tmp_path / 'npy', '--flow-dir',
             tmp_path / 'flow', '--info-csv', tmp_path / 'info.csv', '--size', '16')
    assert np.load(tmp_path / 'npy' / 'clip_one.npy').shape == (4, 16, 16, 3)
    assert np.load(tmp_path / 'flow' / 'clip_one.npy').shape == (4, 16, 16, 2)
    assert read_video_info(str(tmp_path / 'info.csv'))['clip_one'].sample_count == 4


def test_tool_converts_the_good_videos_when_one_is_unreadable(video, tmp_path):
    folder = tmp_path / 'videos'
    folder.mkdir()
    (folder / 'clip_one.avi').write_bytes(video.read_bytes())
    (folder / 'broken.mp4').write_bytes(b'not a video at all')
    proc = run_tool('tools/data/videos_to_npy.py', folder, tmp_path / 'npy', '--info-csv',
                    tmp_path / 'info.csv', '--size', '16', check=False)
    err = proc.stderr
    assert proc.returncode == 1
    assert '1 video(s) could not be converted' in err and 'broken.mp4' in err
    assert sorted(p.name for p in (tmp_path / 'npy').iterdir()) == ['clip_one.npy']
    assert list(read_video_info(str(tmp_path / 'info.csv'))) == ['clip_one']


def test_parallel_conversion_of_files_and_folders_resumes(video, tmp_path):
    # Four videos (three in a folder, one named as a file) with 2 workers give the arrays of
    # 1 worker; a second run finds them all converted and only rewrites the info CSV.
    folder = tmp_path / 'videos'
    folder.mkdir()
    for i in range(3):
        (folder / f'clip_{i}.avi').write_bytes(video.read_bytes())
    single = tmp_path / 'single.avi'
    single.write_bytes(video.read_bytes())
    outputs = {}
    for workers in (1, 2):
        out = tmp_path / f'npy_{workers}'
        proc = run_tool('tools/data/videos_to_npy.py', folder, single, out, '--info-csv',
                        out / 'info.csv', '--size', '16', '--num-workers', workers)
        assert f'converting 4 with {workers} worker(s)' in proc.stdout
        outputs[workers] = {p.name: np.load(p) for p in out.glob('*.npy')}
    assert sorted(outputs[2]) == ['clip_0.npy', 'clip_1.npy', 'clip_2.npy', 'single.npy']
    assert all(np.array_equal(outputs[1][name], array) for name, array in outputs[2].items())
    assert not list((tmp_path / 'npy_2').glob('*.part'))
    proc = run_tool('tools/data/videos_to_npy.py', folder, single, tmp_path / 'npy_2',
                    '--info-csv', tmp_path / 'npy_2' / 'info.csv', '--size', '16',
                    '--num-workers', '2')
    assert '4 of 4 videos already converted; converting 0' in proc.stdout
    assert sorted(read_video_info(str(tmp_path / 'npy_2' / 'info.csv'))) == [
        'clip_0', 'clip_1', 'clip_2', 'single']


def test_activitynet_re_encoding_keeps_at_most_max_frames(video, tmp_path):
    # The published rule: fps x min(max / frames, 1). 12 frames, at most 5: 12.5 fps, one frame
    # every 2.4 -> frames 3, 5, 8, 10, 12 (values 20 x i).
    frames, info = read_video(video, size=16, max_frames=5)
    assert capped_fps(30.0, 12, 5) == 12.5
    assert (info.sample_fps, info.count, info.sample_count) == (12.5, 12.0, 5)
    assert np.abs(frames.mean(axis=(1, 2, 3)) - [60, 100, 160, 200, 240]).max() < 3
    frames, info = read_video(video, size=16, max_frames=768)  # short videos keep every frame
    assert (info.sample_fps, info.sample_count) == (30.0, 12)
    # The tool names the arrays by YouTube id: the downloads' 'v_' prefix is dropped.
    folder = tmp_path / 'videos'
    folder.mkdir()
    (folder / 'v_abc.avi').write_bytes(video.read_bytes())
    run_tool('tools/data/videos_to_npy.py', folder, tmp_path / 'npy', '--max-frames', '5',
             '--strip-prefix', 'v_', '--info-csv', tmp_path / 'encoded.csv', '--size', '16')
    assert np.load(tmp_path / 'npy' / 'abc.npy').shape == (5, 16, 16, 3)
    encoded = read_video_info(str(tmp_path / 'encoded.csv'))['abc']
    assert (encoded.sample_fps, encoded.sample_count) == (12.5, 5)


def test_activitynet_video_info_from_the_official_file(tmp_path):
    files = write_activitynet_like(tmp_path, not_converted=('vid_c', ))
    out = tmp_path / 'video_info.json'
    proc = run_tool('tools/data/activitynet_video_info.py', files['annotation_file'],
                    files['encoded_csv'], out)
    assert 'Wrote 5 videos (2 training, 3 validation)' in proc.stdout
    assert '1 videos of' in proc.stderr and 'vid_c' in proc.stderr
    info = json.loads(out.read_text())
    assert sorted(info) == ['vid_a', 'vid_b', 'vid_d', 'vid_e', 'vid_f']  # no testing subset
    # vid_a: 300 frames at 30 fps -> 64 frames at 6.4 fps; [1 s, 4 s] -> frames [6.4, 25.6].
    assert info['vid_a']['subset'] == 'training' and info['vid_a']['duration'] == 10.0
    assert (info['vid_a']['frame_num'], info['vid_a']['fps']) == (64, 6.4)
    first = info['vid_a']['annotations'][0]
    # Seconds times the rate, 1 x 6.4 and 4 x 6.4: exact in float64, as written here.
    assert (first['start_frame'], first['end_frame']) == (1 * 6.4, 4 * 6.4)
    assert (first['label'], first['label_id']) == ('Shaving', 158)  # line 158 of the list
    assert info['vid_f']['fps'] == 30.0 and info['vid_f']['frame_num'] == 45

    official = json.loads(Path(files['annotation_file']).read_text())
    official['database']['vid_b']['annotations'][0]['label'] = 'Juggling chainsaws'
    Path(files['annotation_file']).write_text(json.dumps(official))
    proc = run_tool('tools/data/activitynet_video_info.py', files['annotation_file'],
                    files['encoded_csv'], tmp_path / 'other.json', check=False)
    assert proc.returncode == 1
    assert "video 'vid_b' has label 'Juggling chainsaws', which is not in the class list" in (
        proc.stderr)
    assert not (tmp_path / 'other.json').exists()


def test_activitynet_segments_past_the_end_or_empty_are_listed(warnings_log):
    # The official file has segments past their video's end: kept (not clipped), as the
    # published preparation keeps them; empty ones are kept here and left out of training.
    database = {'vid_a': dict(subset='training', duration=10.0, annotations=[
        dict(segment=[8.0, 12.5], label='Shaving'), dict(segment=[3.0, 3.0], label='Shaving'),
        dict(segment=[1.0, 2.0], label='Shaving')])}
    encoded = {'vid_a': VideoInfo(fps=30.0, sample_fps=6.4, count=300, sample_count=64)}
    info, _ = activitynet_video_info(database, encoded, ['Shaving'], source='official.json')
    ends = [a['end_frame'] for a in info['vid_a']['annotations']]
    assert ends == [12.5 * 6.4, 3.0 * 6.4, 2.0 * 6.4]  # the same products: the same bits
    assert any('official.json: 1 segment(s) end after their video (kept, as published): '
               'vid_a (8-12.5 s of 10)' in line for line in warnings_log)
    assert any('1 segment(s) end at or before their start' in line and 'vid_a (3-3 s)' in line
               for line in warnings_log)
