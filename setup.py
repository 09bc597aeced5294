"""Installs gaf_mmaction, the GAF temporal action detector as an MMAction2 plugin.

The wheel and sdist carry the shipped annotation files (``gaf_mmaction/annotations``)
and, as OpenMMLab packages do, the configs and tools under
``gaf_mmaction/.mim/`` so that an installed package has everything its
configs name.
"""
import re
import shutil
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
VERSION = re.search(r"__version__ = '([^']+)'",
                    (ROOT / 'gaf_mmaction' / 'version.py').read_text()).group(1)
MIM_FOLDERS = ('configs', 'tools')


class BuildPyWithMim(build_py):
    """``build_py`` that also copies ``configs/`` and ``tools/`` to ``gaf_mmaction/.mim/``."""

    def run(self) -> None:
        super().run()
        for name in MIM_FOLDERS:
            shutil.copytree(ROOT / name, Path(self.build_lib) / 'gaf_mmaction' / '.mim' / name,
                            ignore=shutil.ignore_patterns('__pycache__', '*.pyc'),
                            dirs_exist_ok=True)


setup(
    name='gaf_mmaction',
    version=VERSION,
    description='GAF: generative attention for temporal action detection, on MMAction2',
    long_description=(ROOT / 'README.md').read_text(encoding='utf-8'),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(include=['gaf_mmaction', 'gaf_mmaction.*']),
    package_data={'gaf_mmaction': ['annotations/*/*']},
    cmdclass={'build_py': BuildPyWithMim},
    python_requires='>=3.10',
    # Floors are what the code needs: torch.nn.utils.get_total_norm (torch 2.6), numpy._core
    # (numpy 2), np.trapz in MMAction2 (numpy < 2.4), pkg_resources in MMEngine (setuptools
    # < 81), matplotlib's 'outside' legend placement (3.7), TV-L1 flow in opencv-contrib.
    install_requires=[
        'torch>=2.6,<3',
        'mmaction2>=1.1.0,<1.2.0',
        'mmengine>=0.10.4,<0.11',
        'mmcv-lite>=2.0.0,<2.1.0',
        'numpy>=2.0,<2.4',
        'matplotlib>=3.7',
        'opencv-contrib-python>=4.5',
        'setuptools<81',
    ],
    # deploy: ONNX export of the test-time network (torch's dynamo exporter writes through
    # onnxscript), and ONNX Runtime and OpenVINO to run it.
    extras_require={'tests': ['pytest>=8', 'ruff>=0.5'], 'tensorboard': ['tensorboard>=2.10'],
                    'deploy': ['onnx>=1.16', 'onnxscript>=0.5', 'onnxruntime>=1.20',
                               'openvino>=2026.0']},
)
