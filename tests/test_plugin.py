"""The plugin contract: configs work through custom_imports alone, and an installed wheel works."""
import json
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

from mmengine.config import Config

from tests.helpers import CONFIGS, REPO

# Runs in a fresh interpreter: the only import of gaf_mmaction is the configs' custom_imports.
# For every config it builds MMEngine's Runner (model, hooks, log processor, visualizer) and
# looks up every registry type the config names, which the Runner builds only later (datasets,
# transforms, loops, metrics, optimizer wrappers, the checkpoint file backend).
BUILD_ALL = textwrap.dedent('''
    import json, sys
    from pathlib import Path
    from mmengine.config import Config
    from mmengine.fileio.backends import backends
    from mmengine.runner import Runner
    import mmaction.registry as registries
    from mmengine.registry import Registry

    assert not any(m.startswith('gaf_mmaction') for m in sys.modules)
    registry_list = [r for r in vars(registries).values() if isinstance(r, Registry)]

    def types(node):
        if isinstance(node, dict):
            if isinstance(node.get('type'), str):
                yield node['type']
            for value in node.values():
                yield from types(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                yield from types(value)

    report = {}
    for path in sorted(Path(sys.argv[1]).glob('*.py')):
        cfg = Config.fromfile(str(path))
        cfg.work_dir = str(Path('work_dirs') / path.stem)
        unknown = sorted({t for t in types(cfg.to_dict())
                          if not any(r.get(t) is not None for r in registry_list)})
        backend = cfg.default_hooks.get('checkpoint', {}).get('backend_args', {}).get('backend')
        runner = Runner.from_cfg(cfg)
        report[path.name] = dict(unknown=unknown, model=type(runner.model).__name__,
                                 backend_known=backend is None or backend in backends,
                                 log_processor=type(runner.log_processor).__name__)
    print(json.dumps(report))
''')


def test_every_config_builds_a_runner_through_custom_imports(tmp_path):
    proc = subprocess.run([sys.executable, '-c', BUILD_ALL, str(CONFIGS / 'gaf')], cwd=tmp_path,
                          check=False, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert sorted(report) == sorted(p.name for p in (CONFIGS / 'gaf').glob('*.py'))
    for name, built in report.items():
        assert built['unknown'] == [], name
        assert built['backend_known'], name
    rgb = 'gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py'
    assert report[rgb]['model'] == 'GAFDetector'
    assert report['gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py']['model'] == 'GAFFusionDetector'
    assert report['gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py']['model'] == (
        'GAFDistiller')
    assert report[rgb]['log_processor'] == 'TwoPassLogProcessor'
    assert report['gaf_i3d_768x96x96_activitynet-rgb-flow-fusion.py']['model'] == (
        'GAFFusionDetector')
    assert report['gaf-kd_top-heavy-i3d_1xb1-768x96x96-16e_activitynet-rgb.py']['model'] == (
        'GAFDistiller')


def test_the_root_entry_points_are_the_configs_they_name():
    aliases = sorted(CONFIGS.glob('*.py'))
    targets = [alias.read_text().split("'./gaf/")[1].split("'")[0] for alias in aliases]
    assert [a.name for a in aliases] == ['gaf_thumos14_flow.py', 'gaf_thumos14_rgb.py']
    assert len(set(targets)) == 2
    for alias in aliases:
        target = Config.fromfile(alias)._cfg_dict.to_dict()
        base = alias.read_text().split("'./gaf/")[1].split("'")[0]
        assert target == Config.fromfile(CONFIGS / 'gaf' / base)._cfg_dict.to_dict(), alias.name


def _source_tree(dest: Path) -> Path:
    """A copy of the repository's sources (what a clean clone has) to build from."""
    ignore = shutil.ignore_patterns('.git', '.venv', 'build', 'dist', 'work_dirs', '*.egg-info',
                                    '__pycache__', '.pytest_cache', '.ruff_cache', '.whl')
    return Path(shutil.copytree(REPO, dest, ignore=ignore))


# Run from outside the repository with only the installed wheel on the path (before the
# editable install): the model of an installed config and the shipped class index.
USE_INSTALLED = textwrap.dedent('''
    import sys
    from pathlib import Path
    import torch
    import gaf_mmaction
    from mmaction.registry import MODELS
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from gaf_mmaction.datasets.annotation_files import read_class_names, shipped_file

    package = Path(gaf_mmaction.__file__).parent
    assert package.parent == Path(sys.argv[1]).resolve(), package
    init_default_scope('mmaction')
    cfg = Config.fromfile(str(package / '.mim' / 'configs' / 'gaf' /
                             'gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py'))
    with torch.device('meta'):
        model = MODELS.build(cfg.model)
    classes = read_class_names(shipped_file('thumos14', 'Class_Index_Detection.txt'))
    tools = sorted(p.name for p in (package / '.mim' / 'tools').glob('*.py'))
    print(type(model).__name__, model.head.num_classes, len(classes), classes[0], classes[-1],
          'train.py' in tools and 'test.py' in tools)
''')


def test_wheel_from_sdist_installs_and_works_outside_the_repository(tmp_path):
    src = _source_tree(tmp_path / 'src')
    dist = tmp_path / 'dist'
    run = dict(capture_output=True, text=True, timeout=300)
    proc = subprocess.run([sys.executable, 'setup.py', '-q', 'sdist', '-d', str(dist)],
                          cwd=src, check=False, **run)
    assert proc.returncode == 0, proc.stderr[-3000:]
    sdist = next(dist.glob('gaf_mmaction-*.tar.gz'))
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / 'unpacked', filter='data')
    for shipped in ('gaf_mmaction/annotations/thumos14/thumos_gt.json',
                    'configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', 'tools/train.py',
                    'LICENSE'):
        assert any(n.endswith(shipped) for n in names), shipped
    # The wheel is built from the unpacked sdist, so the sdist alone must be enough.
    unpacked = next((tmp_path / 'unpacked').iterdir())
    proc = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps',
                           '--no-build-isolation', '-q', str(unpacked), '-w', str(dist)],
                          check=False, **run)
    assert proc.returncode == 0, proc.stderr[-3000:]
    wheel = next(dist.glob('gaf_mmaction-*.whl'))
    site = tmp_path / 'site'
    proc = subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q',
                           '--target', str(site), str(wheel)], check=False, **run)
    assert proc.returncode == 0, proc.stderr[-3000:]
    outside = tmp_path / 'elsewhere'
    outside.mkdir()
    proc = subprocess.run([sys.executable, '-c', USE_INSTALLED, str(site)], cwd=outside,
                          env={'PYTHONPATH': str(site), 'PATH': '/usr/bin:/bin'}, check=False, **run)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split()[-6:] == ['GAFDetector', '21', '20', 'BaseballPitch',
                                        'VolleyballSpiking', 'True']
