"""Installs gaf_mmaction, the GAF temporal action detector as an MMAction2 plugin."""
import re
from pathlib import Path

from setuptools import find_packages, setup

VERSION_FILE = Path(__file__).parent / 'gaf_mmaction' / 'version.py'
VERSION = re.search(r"__version__ = '([^']+)'", VERSION_FILE.read_text()).group(1)

setup(
    name='gaf_mmaction',
    version=VERSION,
    description='GAF: generative attention for temporal action detection, on MMAction2',
    long_description=(Path(__file__).parent / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['gaf_mmaction', 'gaf_mmaction.*']),
    python_requires='>=3.10',
    install_requires=[
        'torch>=2.1,<3',
        'mmaction2>=1.1.0,<1.2.0',
        'mmengine>=0.10.4,<0.11',
        'mmcv-lite>=2.0.0,<2.1.0',
        'numpy>=1.23,<2.4',
        'scipy>=1.10',
        'matplotlib>=3.5',
        'setuptools<81',
    ],
    extras_require={'tests': ['pytest>=8', 'ruff>=0.5']},
)
