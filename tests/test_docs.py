"""The documentation stays true: every command of ours it shows exists and takes its flags, the
paths it names exist, every config snippet builds where its page says to save it and sets what
the page says, the counts and sizes it quotes are recomputed here, its citations of
docs/published_code.md resolve, and the README stays short."""
import contextlib
import inspect
import io
import re
import runpy
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import VISUALIZERS, init_default_scope

from gaf_mmaction.datasets.annotation_files import read_video_info, shipped_file
from gaf_mmaction.datasets.windows import window_offsets
from gaf_mmaction.preparation import VideoDecoder
from gaf_mmaction.tooling.complexity import (
    checkpoint_bytes,
    part_complexity,
    retained_checkpoints,
)
from tests.helpers import REPO

DOCS = [REPO / 'README.md', REPO / 'configs' / 'gaf' / 'README.md',
        *sorted((REPO / 'docs').glob('*.md'))]
SCRIPT = re.compile(r'(?<![\w/$.-])((?:tools|demo)/[\w/.-]+\.(?:py|sh))')
REPO_PATH = re.compile(r'(?<![\w/$.-])((?:configs|tools|demo|docs|tests|gaf_mmaction)/'
                       r'[\w/.-]*[\w/])')


def command_lines(text: str) -> list[str]:
    """Lines (continuations joined) of code blocks and inline code that run one of our
    scripts."""
    blocks = re.findall(r'```(?:bash|shell|sh)?\n(.*?)```', text, re.DOTALL)
    lines = [line for block in blocks for line in block.replace('\\\n', ' ').splitlines()]
    lines += re.findall(r'`([^`\n]*(?:tools|demo)/[^`\n]*)`', text)
    return [line for line in lines if SCRIPT.search(line)]


_FLAGS: dict[str, set[str]] = {}


def accepted_flags(script: Path) -> set[str]:
    """The flags a script's ``--help`` lists (run in this process)."""
    if script not in _FLAGS:
        out, argv = io.StringIO(), sys.argv
        sys.argv = [str(script), '--help']
        try:
            with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
                runpy.run_path(str(script), run_name='__main__')
        finally:
            sys.argv = argv
        _FLAGS[script] = set(re.findall(r'(--[\w-]+)', out.getvalue()))
    return _FLAGS[script]


def command_problems(text: str) -> list[str]:
    """Each documented command of ``text`` whose script is missing or does not take a flag."""
    problems = []
    for line in command_lines(text):
        for name in SCRIPT.findall(line):
            script = REPO / name
            if not script.is_file():
                problems.append(f'{name}: no such script ({line.strip()})')
                continue
            if script.suffix != '.py' or f'{name} ' not in f'{line} ':
                continue
            own = line.split(name, 1)[1].split('&&')[0].split('|')[0]
            own = re.split(r'\s(?:python|tools/|demo/)', own)[0]
            unknown = set(re.findall(r'(?<![\w-])(--[a-z][\w-]*)', own)) - accepted_flags(script)
            if unknown:
                problems.append(f'{name}: {sorted(unknown)} not accepted ({line.strip()})')
    return problems


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_documented_commands_exist_and_take_their_flags(doc):
    assert command_problems(doc.read_text()) == []


def test_the_command_check_finds_a_wrong_flag_and_a_missing_script():
    text = ('```bash\npython tools/train.py configs/gaf_thumos14_rgb.py \\\n    --no-such-flag\n'
            '```\nand `python tools/nothing.py --x`')
    assert command_problems(text) == [
        ("tools/train.py: ['--no-such-flag'] not accepted "
         '(python tools/train.py configs/gaf_thumos14_rgb.py      --no-such-flag)'),
        'tools/nothing.py: no such script (python tools/nothing.py --x)']


def config_snippets() -> dict[str, str]:
    """{where its page says to save it: code} of every Python block of the docs that sets
    ``_base_``; its first line names the place (``# configs/my/NAME.py``)."""
    snippets = {}
    for doc in DOCS:
        for indent, code in re.findall(r'^( *)```python\n(.*?)^\1```', doc.read_text(),
                                       re.MULTILINE | re.DOTALL):
            code = textwrap.dedent(code)
            if '_base_' in code:
                place = re.match(r'# (configs/\S+\.py)\n', code)
                assert place, f'{doc.name}: a config snippet must start with "# configs/..." ' \
                              f'naming where to save it:\n{code}'
                snippets[place.group(1)] = code
    return snippets


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_paths_in_the_repository_that_docs_name_exist(doc):
    missing = sorted({path for path in REPO_PATH.findall(doc.read_text())
                      if not (REPO / path).exists() and '*' not in path
                      and '/.mim/' not in path  # .mim: the installed package's copies
                      and path not in config_snippets()})  # built below
    assert missing == []


def saved_where_documented(place: str, tmp_path: Path) -> Config:
    """The snippet, unchanged, in a copy of ``configs/`` at the place its page names, read by
    MMEngine from there (which resolves ``_base_`` against that file)."""
    shutil.copytree(REPO / 'configs', tmp_path / 'configs')
    path = tmp_path / place
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_snippets()[place])
    return Config.fromfile(path)


def repository_config(name: str) -> Config:
    return Config.fromfile(REPO / 'configs' / 'gaf' / name)


# What each page says its snippet sets: {place: {dotted key: value}}.
SNIPPET_CLAIMS = {
    'configs/my/gaf_thumos14_rgb_tensorboard.py': {
        'visualizer.type': 'ActionVisualizer',
        'visualizer.vis_backends': [dict(type='LocalVisBackend'),
                                    dict(type='TensorboardVisBackend')]},
    'configs/my/gaf_my_videos_rgb.py': {
        'model.head.num_classes': 3, 'train_cfg.max_epochs': 50,
        'train_dataloader.dataset.type': 'OwnVideosDataset'},
    'configs/my/gaf_r50_thumos14_rgb.py': {
        'model.backbone': dict(
            type='ResNet3d', depth=50, pretrained=None, conv1_kernel=(5, 7, 7),
            conv1_stride_t=2, pool1_stride_t=2, with_pool2=False,
            temporal_strides=(1, 1, 1, 2), out_indices=(2, 3), norm_eval=True),
        'model.attention.in_channels': (1024, 2048), 'model.attention.spatial_sizes': None,
        'model.neck.in_channels': (1024, 2048)},
    'configs/my/i3d_r50_gaf_neck_kinetics400.py': {
        key: repository_config('i3d-r50_gaf-attention-neck_8xb8-32x2x1-100e_kinetics400-rgb.py')
        .get(key) for key in ('model', 'default_hooks', 'log_processor', 'train_dataloader',
                              'optim_wrapper', 'train_cfg')},
    'configs/my/made_up_rgb.py': {
        'custom_imports.imports': ['gaf_mmaction', 'tests.extensions.made_up_dataset'],
        **{f'{split}_dataloader.dataset.type': 'MadeUpDataset'
           for split in ('train', 'val', 'test')},
        'train_dataloader.dataset.clip_stride': 30, 'test_dataloader.dataset.test_mode': True,
        'val_evaluator.gt_file': 'data/made_up/gt.json',
        'test_evaluator.gt_file': 'data/made_up/gt.json', 'model.head.num_classes': 4},
}


def test_every_config_snippet_has_its_claims_checked():
    assert sorted(config_snippets()) == sorted(SNIPPET_CLAIMS)


def dotted(cfg: Config, key: str):
    value = cfg
    for part in key.split('.'):
        value = value[part]
    return value.to_dict() if hasattr(value, 'to_dict') else value


@pytest.mark.parametrize('place', sorted(SNIPPET_CLAIMS))
def test_config_snippets_build_where_the_page_saves_them(place, tmp_path):
    init_default_scope('mmaction')
    cfg = saved_where_documented(place, tmp_path)
    for key, value in SNIPPET_CLAIMS[place].items():
        got = dotted(cfg, key)
        assert got == (value.to_dict() if hasattr(value, 'to_dict') else value), key


def test_counts_quoted_come_from_the_shipped_files():
    val = read_video_info(shipped_file('thumos14', 'val_video_info.csv'))
    test = read_video_info(shipped_file('thumos14', 'test_video_info.csv'))
    infos = [*val.values(), *test.values()]
    preparation = (REPO / 'docs' / 'data_preparation.md').read_text()
    assert (f'{len(infos)} videos ({len(val)} validation, {len(test)} test; '
            f'{int(sum(i.count for i in infos)):,} original frames, '
            f'{sum(i.sample_count for i in infos):,} at 10 fps)') in preparation
    windows = sum(len(window_offsets(i.sample_count, 256, 128)) for i in test.values())
    assert f'({windows:,} on THUMOS14)' in (REPO / 'docs' / 'testing.md').read_text().replace(
        '256 frames every 128, ', '(')
    assert len(test) == 212 and windows == 3485


def test_the_documented_tensorboard_config_logs_to_tensorboard(tmp_path):
    cfg = saved_where_documented('configs/my/gaf_thumos14_rgb_tensorboard.py', tmp_path)
    init_default_scope('mmaction')
    visualizer = VISUALIZERS.build(dict(cfg.visualizer, name='docs_tensorboard',
                                        save_dir=str(tmp_path)))
    assert {type(b).__name__ for b in visualizer._vis_backends.values()} == {
        'LocalVisBackend', 'TensorboardVisBackend'}


def prose(name: str) -> str:
    """A page's text with its line breaks and runs of spaces made single spaces."""
    return ' '.join((REPO / name).read_text().split())


def meta_model(config: str):
    cfg = Config.fromfile(REPO / 'configs' / config)
    init_default_scope('mmaction')
    with torch.device('meta'):
        return cfg, MODELS.build(cfg.model)


def count(module: torch.nn.Module, skip: str = '\0') -> int:
    return sum(p.numel() for name, p in module.named_parameters() if not name.startswith(skip))


def test_parameter_counts_quoted_are_the_models():
    _, teacher = meta_model('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    _, student = meta_model('gaf/gaf_top-heavy-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    backbones = count(student.backbone) / 1e6, count(teacher.backbone) / 1e6
    detectors = count(student, 'attention.cvae.') / 1e6, count(teacher, 'attention.cvae.') / 1e6
    assert count(teacher, 'attention.cvae.') == 67_745_653  # the published state dict's
    claim = (f'a backbone of {backbones[0]:.2f} M parameters instead of {backbones[1]:.2f} M, '
             f'a whole detector of {detectors[0]:.1f} M instead of {detectors[1]:.1f} M')
    assert claim in prose('docs/training.md')
    assert (f'({backbones[0]:.2f} M backbone parameters instead of {backbones[1]:.2f} M; the '
            f'whole detector {detectors[0]:.1f} M instead of {detectors[1]:.1f} M)') in prose(
        'docs/published_code.md')


def test_checkpoint_size_and_disk_use_quoted_are_computed():
    cfg, model = meta_model('gaf_thumos14_rgb.py')
    sizes = checkpoint_bytes(model, cfg.optim_wrapper)
    size = sum(sizes.values())
    epochs = cfg.train_cfg.max_epochs
    kept, peak = retained_checkpoints(cfg.default_hooks.checkpoint, epochs)
    # The newest epoch's checkpoint and the best, one more while a new one is written.
    assert (kept, peak) == (2, 3)
    training = prose('docs/training.md')
    claims = [(f'for the THUMOS14 RGB model {size / 1e9:.2f} GB, of which '
              f'{sizes["weights"] / 1e9:.2f} GB are the weights'),
              (f'{kept * size / 1e9:.2f} GB for a run of any length, '
              f'{peak * size / 1e9:.2f} GB for the moments'),
              f'Keeping every epoch of the {epochs} would take {epochs * size / 1e9:.0f} GB']
    for claim in claims:
        assert claim in training
    assert f'a checkpoint takes {size / 1e9:.2f} GB' in prose('README.md')
    # Weights: parameters and buffers in float32; Adam: two tensors per trained parameter.
    assert sizes['optimizer'] == 2 * 4 * count(model)


def test_data_sizes_quoted_are_frames_times_pixels():
    size = inspect.signature(VideoDecoder).parameters['size'].default
    frames = sum(info.sample_count for split in ('val', 'test') for info in read_video_info(
        shipped_file('thumos14', f'{split}_video_info.csv')).values())
    anet = Config.fromfile(REPO / 'configs' / '_base_' / 'datasets' / 'activitynet_rgb.py')
    videos = 10_024 + 4_926  # ActivityNet-1.3's training and validation videos
    rgb, flow = (frames * size * size * c / 1e9 for c in (3, 2))
    one_rgb, one_flow = (anet.clip_length * size * size * c for c in (3, 2))
    claim = (f"THUMOS14's frames take {rgb:.1f} GB (RGB) and {flow:.1f} GB (flow) - the "
             f'downloads below are 13.7 GB and 3.4 GB compressed - and an ActivityNet video at '
             f'most {one_rgb / 1e6:.1f} MB (RGB) and {one_flow / 1e6:.1f} MB (flow), at most '
             f'{videos * one_rgb / 1e9:.0f} GB and {videos * one_flow / 1e9:.0f} GB for the '
             f'{videos:,} training and validation videos')
    assert claim in prose('docs/data_preparation.md')
    assert 'RGB 13.7 GB and TV-L1 flow 3.4 GB' in prose('docs/data_preparation.md')


def test_the_flops_quoted_are_counted():
    _, model = meta_model('gaf_thumos14_rgb.py')
    with torch.device('meta'):
        rows = {r['part']: r for r in part_complexity(model, torch.zeros(1, 3, 256, 96, 96))}
    assert (f'the THUMOS14 RGB backbone is {rows["backbone"]["flops"] / 1e9:.1f} GFLOPs per '
            '256x96x96 clip') in prose('docs/your_own_data.md')


def test_every_base_config_is_listed():
    listed = prose('docs/development.md')
    bases = sorted(p.name for p in (REPO / 'configs' / '_base_').rglob('*.py'))
    assert [name for name in bases if f'`{name}`' not in listed] == []


def published_sections() -> set[str]:
    """The section numbers of docs/published_code.md: '5', '5.4', ..., 'A', 'A.1', 'B'."""
    sections = set()
    for heading in re.findall(r'^#+ (.*)$', (REPO / 'docs' / 'published_code.md').read_text(),
                              re.MULTILINE):
        numbers = re.findall(r'§(\d+(?:\.\d+)?)', heading)
        if ' ... ' in heading and len(numbers) == 2:  # '§7.3 ... §7.6'
            major, first = numbers[0].split('.')
            numbers += [f'{major}.{n}' for n in range(int(first), int(numbers[1].split('.')[1]))]
        sections.update(numbers)
        sections.update(re.findall(r'^Appendix ([A-Z])\b', heading))
        sections.update(re.findall(r'^([A-Z]\.\d+) ', heading))
    return sections


def test_citations_of_the_published_code_page_resolve():
    sections = published_sections()
    assert {'1', '5.4', '11', 'A', 'A.5', 'B'} <= sections
    files = [p for folder in ('gaf_mmaction', 'tests', 'configs', 'docs', 'tools', 'demo')
             for p in (REPO / folder).rglob('*') if p.suffix in ('.py', '.md', '.tsv')]
    unresolved = set()
    for path in [*files, REPO / 'README.md']:
        text = path.read_text()
        cited = re.findall(r'§(\d+(?:\.\d+)?)', text)
        cited += [a + (b and f'.{b}') for a, b in re.findall(r'Appendix ([A-Z])(?:\.(\d+))?',
                                                               text)]
        unresolved |= {f'{path.relative_to(REPO)}: {c}' for c in cited if c not in sections}
    assert sorted(unresolved) == []


def test_the_readme_layout_names_every_dataset_file():
    layout = re.search(r'## Layout\n\n```\n(.*?)```', (REPO / 'docs' / 'data_preparation.md')
                       .read_text(), re.DOTALL).group(1)
    names = {name for line in layout.splitlines()
             for name in re.findall(r'([\w.]+/|[\w.]+\.(?:json|pt))', line.split('#')[0])
             if name not in ('data/', 'thumos14/', 'activitynet/', 'i3d_models/')}
    readme = re.search(r'## Data\n.*?```\n(.*?)```', (REPO / 'README.md').read_text(),
                       re.DOTALL).group(1)
    # The README leaves out only what one config alone reads (the I3D features).
    assert sorted(n for n in names if n not in readme) == ['i3d_features/']


def test_the_test_time_is_stated_once_alike():
    readme = re.search(r'tests run on the CPU \(about (\w+) minutes', prose('README.md'))
    development = re.search(r'tests run on CPU in about (\w+) minutes', prose('docs/development.md'))
    assert readme and development and readme.group(1) == development.group(1)


def test_the_readme_is_short_and_keeps_the_ci_contract():
    lines = (REPO / 'README.md').read_text().splitlines()
    assert len(lines) <= 250
    assert any(line.startswith('python3.11 -m venv .venv') for line in lines)
    tests = lines[lines.index('## Tests'):]
    assert next(line for line in tests if line.startswith('pytest')) == 'pytest'


def heading_anchors(page: Path) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r'```.*?```', '', page.read_text(), flags=re.DOTALL)
    headings = re.findall(r'^#+ (.+)$', text, re.MULTILINE)
    return {re.sub(r'[^\w\- ]', '', h.strip().lower()).replace(' ', '-') for h in headings}


def test_the_docs_sections_that_messages_name_exist():
    # The start checks' messages send the user to a section: each must be there.
    named = {(page, anchor) for path in (REPO / 'gaf_mmaction').rglob('*.py')
             for page, anchor in re.findall(r'(docs/[\w-]+\.md)#([\w-]+)', path.read_text())}
    assert ('docs/data_preparation.md', 'thumos14') in named and len(named) >= 5
    missing = sorted(f'{page}#{anchor}' for page, anchor in named
                     if anchor not in heading_anchors(REPO / page))
    assert missing == []
    assert 'activitynet-13' in heading_anchors(REPO / 'docs' / 'data_preparation.md')
