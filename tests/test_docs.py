"""The documentation stays true: every command of ours it shows exists and takes its flags, the
paths it names exist, the counts it quotes come from the shipped files, the documented
TensorBoard config works, and the README stays short."""
import contextlib
import io
import re
import runpy
import sys
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import VISUALIZERS, init_default_scope

from gaf_mmaction.datasets.annotation_files import read_video_info, shipped_file
from gaf_mmaction.datasets.windows import window_offsets
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


@pytest.mark.parametrize('doc', DOCS, ids=lambda p: p.name)
def test_paths_in_the_repository_that_docs_name_exist(doc):
    missing = sorted({path for path in REPO_PATH.findall(doc.read_text())
                      if not (REPO / path).exists() and '*' not in path
                      and '/.mim/' not in path})  # .mim: the installed package's copies
    assert missing == []


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
    training = (REPO / 'docs' / 'training.md').read_text()
    section = training.split('## Logging', 1)[1]
    snippet = re.search(r'```python\n(.*?)```', section, re.DOTALL).group(1)
    config = tmp_path / 'tensorboard.py'
    config.write_text(snippet.replace("'configs/", f"'{REPO}/configs/"))
    cfg = Config.fromfile(config)
    init_default_scope('mmaction')
    visualizer = VISUALIZERS.build(dict(cfg.visualizer, name='docs_tensorboard',
                                        save_dir=str(tmp_path)))
    assert {type(b).__name__ for b in visualizer._vis_backends.values()} == {
        'LocalVisBackend', 'TensorboardVisBackend'}


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
