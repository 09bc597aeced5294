"""tools/gpu_check.sh --smoke: every step of the GPU acceptance run, on the CPU at tiny sizes,
in the GPU box's install layout (the dependencies in a folder on PYTHONPATH, this package not
installed), so that a step that would fail there fails here first."""
import json
import os
import subprocess
import sys
import sysconfig

from tests.helpers import REPO

STEPS = ('env', 'cuda_tests', 'bench_test', 'bench_channels_last', 'bench_compile', 'bench_train',
         'bench_train_cvae', 'bench_post', 'bench_data', 'bench_video', 'demo_data', 'train',
         'test', 'precision', 'deterministic')


def gpu_box_environment(tmp_path) -> dict[str, str]:
    """The base interpreter as ``python``, our dependencies on PYTHONPATH (their .pth files,
    among them this package's editable install, are not read from there)."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    (bin_dir / 'python').symlink_to(sys._base_executable)
    env = {k: v for k, v in os.environ.items() if k not in ('VIRTUAL_ENV', 'PYTHONHOME')}
    env.update(PATH=f'{bin_dir}{os.pathsep}{env["PATH"]}', PYTHONNOUSERSITE='1',
               PYTHONPATH=sysconfig.get_paths()['purelib'], OMP_NUM_THREADS='2')
    return env


def test_gpu_check_smoke_runs_every_step(tmp_path):
    env = gpu_box_environment(tmp_path)
    # As on the GPU box: the package itself cannot be imported...
    missing = subprocess.run(['python', '-c', 'import gaf_mmaction'], env=env, cwd=tmp_path,
                             capture_output=True, text=True, check=False)
    assert missing.returncode == 1 and "No module named 'gaf_mmaction'" in missing.stderr
    out = tmp_path / 'out'
    proc = subprocess.run(['bash', str(REPO / 'tools' / 'gpu_check.sh'), '--smoke', str(out)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=1500,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # ... and the script put the checkout on the import path itself.
    assert sorted(p.name for p in out.iterdir()) == ['gpu_check.jsonl', 'gpu_check.log']
    lines = [json.loads(line) for line in (out / 'gpu_check.jsonl').read_text().splitlines()]
    log = (out / 'gpu_check.log').read_text()
    statuses = {line['step']: line['exit_status'] for line in lines if 'exit_status' in line}
    assert statuses == dict.fromkeys(STEPS, 0), log[-3000:]
    assert lines[0]['gaf_mmaction'] == str(REPO / 'gaf_mmaction' / '__init__.py')
    figures = [line for line in lines if 'items_per_s' in line]
    assert [(f['mode'], f.get('pass'), f.get('baseline', False)) for f in figures] == [
        ('test', None, False), ('test', None, True), ('test', None, False), ('test', None, True),
        ('test', None, False), ('train', 'detector', False), ('train', 'detector', True),
        ('train', 'cvae', False), ('post', None, False), ('data', None, False),
        ('video', None, False)]
    assert [f['channels_last'] for f in figures[:4]] == [False, False, True, False]
    video = figures[-1]
    assert video['published']['test_cfg'] == dict(autocast_dtype=None, compile=False,
                                                  channels_last=False, share_stem=False)
    assert video['test_cfg']['channels_last'] and video['test_cfg']['share_stem']
    assert video['detections']['reference'] > 0
    [modes] = [line for line in lines if line.get('step') == 'test_modes']
    # The eager backend captures the graph and runs it as it is: the same detections.
    assert modes['compiled_mAP'] == modes['fp32_mAP'] and modes['compiled_max_mAP_gap'] == 0
    assert len(modes['default_layout_mAP']) == len(modes['fp32_mAP'])
    [precision] = [line for line in lines if 'map_change_points' in line]
    assert precision['detections']['reference'] > 0 and 'mAP_avg' in precision['float32']
