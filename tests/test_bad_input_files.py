"""The second round of the bad-input table: empty and foreign files, checkpoints from URLs,
checkpoint files that are empty, truncated or not checkpoints, unusable detections, annotation
values, and the tools that read such files. Each message names the culprit."""
import http.server
import json
import pickle
import re
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.runner import load_checkpoint
from torch import nn

from gaf_mmaction.checkpoint.safe_loading import (
    TRUST_VARIABLE,
    CheckpointFileError,
    load_checkpoint_file,
)
from gaf_mmaction.engine import checkpoint_files
from gaf_mmaction.engine.checkpoint_files import AtomicLocalBackend, find_resume_checkpoint
from gaf_mmaction.evaluation import TemporalDetectionMetric, read_results
from gaf_mmaction.testing import build_tiny_dataset as build
from tests.helpers import TouchOnUnpickle, checkpoint_bytes, run_tool


@pytest.mark.parametrize('spoil,message', [
    (lambda p: p.write_bytes(b''), r'video_a\.npy is empty'),
    (lambda p: np.save(p, np.zeros((100, 40, 40, 3), np.float32)),
     r'video_a\.npy: expected \[T, H, W, C\] uint8 frames, got elements of type float32'),
    (lambda p: np.save(p, np.zeros((100, 40, 40, 3), np.int64)), r'of type int64'),
])
def test_empty_or_non_uint8_frame_files(files, spoil, message, warnings_log):
    spoil(Path(files['video_dir']) / 'video_a.npy')
    with pytest.raises(ValueError, match=message):
        build(files)
    dataset = build(files, on_bad_video='skip')
    assert {dataset.get_data_info(i)['video_name'] for i in range(len(dataset))} == {'video_b'}
    assert any('video_a' in r and 'Leaving out 1 bad video' in r for r in warnings_log)


class PayloadServer:
    """Serves ``files`` on 127.0.0.1 only, for the duration of a ``with`` block."""

    def __init__(self, files: dict[str, bytes]) -> None:
        contents = files

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = contents.get(self.path.lstrip('/'))
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body or b'')

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_address[1]}'

    def __enter__(self) -> 'PayloadServer':  # noqa: PYI034
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_checkpoint_from_a_url_is_loaded_safely(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, 'get_dir', lambda: str(tmp_path / 'hub'))
    marker = tmp_path / 'payload_ran'
    evil, good = tmp_path / 'evil.pth', tmp_path / 'good.pth'
    torch.save({'state_dict': {}, 'meta': TouchOnUnpickle(marker)}, evil, pickle_protocol=2)
    model = nn.Linear(2, 2)
    torch.save({'state_dict': model.state_dict()}, good)
    with PayloadServer({'evil.pth': evil.read_bytes(), 'good.pth': good.read_bytes()}) as server:
        # MMEngine's own entry point (load_from, resume, init_cfg=Pretrained all end here).
        with pytest.raises(pickle.UnpicklingError, match=rf'{server.url}/evil\.pth holds objects '
                                                          r'outside the safe allow-list'):
            load_checkpoint(nn.Linear(2, 2), f'{server.url}/evil.pth')
        assert not marker.exists()
        fresh = nn.Linear(2, 2)
        load_checkpoint(fresh, f'{server.url}/good.pth')
        assert torch.equal(fresh.weight, model.weight)


def test_trusting_checkpoints_is_logged(tmp_path, monkeypatch, warnings_log):
    from gaf_mmaction.checkpoint import safe_loading
    monkeypatch.setattr(safe_loading, '_warned_unprotected', False)
    monkeypatch.delenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', raising=False)
    path = tmp_path / 'plain.pth'
    torch.save({'state_dict': {}}, path)
    load_checkpoint_file(path)
    assert not any('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set' in r for r in warnings_log)
    monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    load_checkpoint_file(path)
    assert any('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD is set' in r and 'can run code' in r
               for r in warnings_log)


# A real checkpoint file's bytes, to cut short.
CHECKPOINT = checkpoint_bytes({'state_dict': {'w': torch.zeros(1000)}})


@pytest.mark.parametrize('content,message', [
    (b'', r'bad\.pth is empty \(0 bytes\)'),
    (CHECKPOINT[:3000], r'bad\.pth is truncated or corrupt'),
    (bytes(range(256)) * 8, r'bad\.pth is not a torch checkpoint'),
    (b'epoch 3, loss 0.4\n', r"bad\.pth is not a torch checkpoint \(it starts with b'epoc'\)"),
])
@pytest.mark.parametrize('trusted', [False, True])
def test_unreadable_checkpoint_files_are_named(tmp_path, monkeypatch, content, message, trusted):
    # What --trust-checkpoint sets (trust_checkpoints), undone after the test.
    if trusted:
        monkeypatch.setenv(TRUST_VARIABLE, '1')
    else:
        monkeypatch.delenv(TRUST_VARIABLE, raising=False)
    path = tmp_path / 'bad.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointFileError, match=message) as err:
        load_checkpoint_file(path)
    assert '--trust-checkpoint' not in str(err.value)
    # MMEngine's loader (load_from, resume) goes through the same checks.
    with pytest.raises(CheckpointFileError, match=message):
        load_checkpoint(nn.Linear(2, 2), str(path))


def _epoch_file(work: Path, epoch: int, content: bytes | None = None) -> Path:
    path = work / f'epoch_{epoch}.pth'
    if content is None:
        torch.save({'meta': {'epoch': epoch}}, path)
    else:
        path.write_bytes(content)
    return path


def test_resume_passes_over_damaged_checkpoints(tmp_path, warnings_log):
    intact = _epoch_file(tmp_path, 2)
    empty = _epoch_file(tmp_path, 4, b'')
    truncated = _epoch_file(tmp_path, 3, CHECKPOINT[:2000])
    (tmp_path / 'last_checkpoint').write_text(str(empty))
    assert find_resume_checkpoint(tmp_path) == str(intact)
    # The pointer names epoch_4, which is also a numbered file: checked and reported once.
    assert sum(f'Not resuming from {empty}: it is empty' in r for r in warnings_log) == 1
    assert any(f'Not resuming from {truncated}: it is truncated' in r for r in warnings_log)
    # A garbled (non-UTF-8) pointer falls back as well.
    (tmp_path / 'last_checkpoint').write_bytes(b'\xff\xfe\x00garbage')
    assert find_resume_checkpoint(tmp_path) == str(intact)


def test_resume_without_checkpoints_says_so(tmp_path, warnings_log):
    assert find_resume_checkpoint(tmp_path) is None
    assert any('found no intact checkpoint' in r and 'from scratch' in r for r in warnings_log)


def test_failed_checkpoint_write_removes_the_partial_file(tmp_path, monkeypatch):
    # A full disk shows when the written data is flushed to it.
    def full_disk(fd: int) -> None:
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(checkpoint_files.os, 'fsync', full_disk)
    target = tmp_path / 'epoch_1.pth'
    with pytest.raises(OSError, match=r'Could not write .*epoch_1\.pth \(No space left on '
                                      r'device\); the partial file epoch_1\.pth\.part was removed'):
        AtomicLocalBackend().put(b'x' * 100, target)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize('segments,scores,kept', [
    ([[1.0, 4.0], [np.nan, 4.0], [5.0, np.inf]], [0.9, 0.8, 0.7], 1),
    ([[4.0, 1.0], [1.0, 4.0]], [0.9, 0.8], 1),           # reversed segment
    ([[1.0, 4.0], [1.0, 4.0]], [np.nan, 0.8], 1),        # NaN score
])
def test_unusable_detections_never_match(tmp_path, segments, scores, kept, warnings_log):
    # MMAction2's IoU lets NaN through: before this, a NaN segment counted as a true positive.
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps({'database': {'v1': {'subset': 'test', 'annotations': [
        {'segment': [1.0, 4.0], 'label': 'Jump'}, {'segment': [20.0, 24.0], 'label': 'Jump'}]}}}))
    metric = TemporalDetectionMetric(gt_file=str(gt), tious=(0.5, ),
                                     post_processor=dict(nms_sigma=0.5, nms_variant='fixed'),
                                     out_file=str(tmp_path / 'out.json'))
    metric.dataset_meta = dict(classes=['Jump'])
    n = len(scores)
    metric.process({}, [dict(video_name='v1', non_finite_outputs=3, pred_instances=dict(
        segments=torch.tensor(segments), scores=torch.tensor(scores),
        labels=torch.ones(n, dtype=torch.long)))])
    metrics = metric.evaluate(size=1)
    # One of two actions found (float64 AP: pytest.approx's relative 1e-6 is ample).
    assert metrics['detection/mAP@0.5'] == pytest.approx(0.5)
    saved = json.loads((tmp_path / 'out.json').read_text())['results']['v1']
    assert len(saved) == kept and all(np.isfinite(d['segment']).all() for d in saved)
    assert any(f'Left out {n - kept} detections' in r for r in warnings_log)
    assert any('non-finite outputs (NaN or inf) in 1 of 1 test windows' in r for r in warnings_log)


@pytest.mark.parametrize('content,message', [
    ('{"results": ', r'dets\.json is not valid JSON'),
    ('', r'dets\.json is not valid JSON'),
    ('{"results": [1, 2]}', r'dets\.json: expected \{"results"'),
    ('{"results": {"v1": [{"label": "Jump", "segment": [1, 2]}]}}',
     r"dets\.json: video 'v1', detection 0: no \"score\""),
    ('{"results": {"v1": [{"label": "Jump", "score": "high", "segment": [1, 2]}]}}',
     r"detection 0, score: expected a number, got 'high'"),
    ('{"results": {"v1": [{"label": "Jump", "score": 0.5, "segment": [1]}]}}',
     r'"segment" must be \[start, end\]'),
])
def test_eval_tool_names_malformed_files(tmp_path, content, message):
    pred = tmp_path / 'dets.json'
    pred.write_text(content)
    gt = tmp_path / 'gt.json'
    gt.write_text(json.dumps({'database': {'v1': {'subset': 'test', 'annotations': [
        {'segment': [1.0, 4.0], 'label': 'Jump'}]}}}))
    proc = run_tool('tools/eval_detections.py', pred, '--gt', gt, check=False)
    assert proc.returncode == 1 and re.search(message, proc.stderr)


def test_eval_tool_missing_file_and_bad_tiou(tmp_path):
    proc = run_tool('tools/eval_detections.py', tmp_path / 'none.json', '--gt',
                    tmp_path / 'gt.json', check=False)
    assert proc.returncode == 1 and 'No such detections file' in proc.stderr
    proc = run_tool('tools/eval_detections.py', tmp_path / 'none.json', '--gt', 'gt.json',
                    '--tiou', '-0.2', check=False)
    assert proc.returncode == 2
    assert 'a tIoU threshold lies in (0, 1], got -0.2' in proc.stderr


def test_results_reader_drops_what_cannot_match(tmp_path):
    pred = tmp_path / 'dets.json'
    pred.write_text('{"results": {"v1": [{"label": "Jump", "score": 0.5, "segment": [1, 2]},'
                    '{"label": "Jump", "score": NaN, "segment": [1, 2]},'
                    '{"label": "Jump", "score": 0.4, "segment": ["3", "2"]}]}}')
    results, dropped = read_results(pred)
    assert dropped == 2 and results == {'v1': [dict(label='Jump', score=0.5, segment=[1.0, 2.0])]}


@pytest.mark.parametrize('kind,text,message', [
    ('class_index_file', '7 BaseballPitch\n9 BasketballDunk\n7 Billiards\n',
     r'Class_Index_Detection\.txt, line 3: class index 7 or name .* appears twice'),
    ('class_index_file', '7 BaseballPitch\n9 BaseballPitch\n',
     r"line 2: class index 9 or name 'BaseballPitch' appears twice"),
    ('video_info_file', 'video,fps,sample_fps,count,sample_count\nvideo_a,30,10,0,100\n',
     r"video_info\.csv, row 2: column 'count' must be > 0"),
    ('video_info_file', 'video,fps,sample_fps,count,sample_count\nvideo_a,30,10,300,-100\n',
     r"video_info\.csv, row 2: column 'sample_count' must be > 0"),
    ('ann_file', ('video,type,type_idx,start,end,startFrame,endFrame\n'
                  'video_a,Billiards,12,1.0,2.0,nan,60\n'),
     r"Annotation_ours\.csv, row 2: column 'startFrame' is 'nan', not a finite number"),
    ('ann_file', ('video,type,type_idx,start,end,startFrame,endFrame\n'
                  'video_a,Billiards,12,1.0,2.0,-30,60\n'),
     r"Annotation_ours\.csv, row 2: column 'startFrame' must be >= 0"),
])
def test_bad_annotation_values(files, kind, text, message):
    Path(files[kind]).write_text(text)
    with pytest.raises(ValueError, match=message):
        build(files)
