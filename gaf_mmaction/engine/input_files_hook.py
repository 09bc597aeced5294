"""Every file and folder a run reads, checked before anything is built (this project's tools)
or before the weights are loaded (MMAction2's tools, through :class:`InputFilesHook`)."""
from mmaction.registry import DATASETS, HOOKS
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from ..evaluation.post_processing import classification_file_input
from ..evaluation.temporal_detection_metric import gt_file_input
from ..utils import InputPath, require_inputs
from .start_checkpoint_hook import start_checkpoint_input

PRETRAINED_FIX = ('download them as docs/data_preparation.md#kinetics-i3d-weights says, or set '
                  '{key}=None to train from random weights')
CHECKPOINT_FIX = ('give a checkpoint of tools/train.py, or a published one converted as '
                  'docs/model_zoo.md#converting says')


def dataset_inputs(dataset_cfg: dict) -> list[InputPath]:
    """The folders and files of a dataset config (its class's ``inputs``; none for a
    dataset class that does not list them)."""
    dataset_type = dataset_cfg.get('type')
    dataset_class = DATASETS.get(dataset_type) if isinstance(dataset_type, str) else dataset_type
    inputs = getattr(dataset_class, 'inputs', None)
    return inputs(dataset_cfg) if inputs is not None else []


def evaluator_inputs(evaluator_cfg: dict | list | None) -> list[InputPath]:
    """The ground truth and the video-level classification an evaluator config reads."""
    evaluators = evaluator_cfg if isinstance(evaluator_cfg, list | tuple) else [evaluator_cfg]
    items = []
    for evaluator in filter(None, evaluators):
        if evaluator.get('gt_file'):
            items.append(gt_file_input(evaluator['gt_file']))
        classification = (evaluator.get('post_processor') or {}).get('video_classification_file')
        if classification:
            items.append(classification_file_input(classification))
    return items


def model_inputs(model_cfg: dict, key: str = 'model') -> list[InputPath]:
    """The files a model config loads when it is trained: local ``pretrained`` weights, the
    ``*_checkpoint`` files and a distiller's ``teacher_config``, at any depth."""
    items = []
    for name, value in model_cfg.items():
        where = f'{key}.{name}'
        if isinstance(value, dict):
            items += model_inputs(value, where)
        elif not isinstance(value, str) or '://' in value:
            continue
        elif name == 'pretrained':
            items.append(InputPath(value, where, 'pretrained weights of the backbone',
                                   PRETRAINED_FIX.format(key=where)))
        elif name.endswith('_checkpoint'):
            items.append(InputPath(value, where, 'checkpoint the model loads', CHECKPOINT_FIX))
        elif name == 'teacher_config':
            items.append(InputPath(value, where, "teacher's config",
                                   'give the config the teacher was trained with'))
    return items


def run_inputs(cfg: dict, training: bool) -> list[InputPath]:
    """Every file and folder that a run of ``cfg`` reads before its first step.

    Training: the training and validation data (folders and annotation
    files) with the validation evaluator's files, the model's pretrained
    weights and checkpoints, and ``load_from``. Testing: the test data and
    the test evaluator's files (the checkpoint to test is the tool's).
    """
    items = []
    for split in ('train', 'val') if training else ('test', ):
        loader = cfg.get(f'{split}_dataloader')
        if not loader or (split == 'val' and not cfg.get('val_cfg')):
            continue
        items += dataset_inputs(loader.get('dataset') or {})
        if split != 'train':
            items += evaluator_inputs(cfg.get(f'{split}_evaluator'))
    if training:
        items += model_inputs(cfg.get('model') or {})
        if cfg.get('load_from') and '://' not in cfg.load_from:
            items.append(start_checkpoint_input(cfg.load_from, bool(cfg.get('resume'))))
    return items


@HOOKS.register_module()
class InputFilesHook(Hook):
    """:func:`run_inputs` of the runner's config, in ``before_run``.

    Under this project's tools the same check has run before the runner was
    built. Under MMAction2's tools the datasets and the metric have checked
    their own inputs when they were built (in the same words); this hook adds
    what is read next: the pretrained weights, which training loads right
    after ``before_run``.
    """

    def before_run(self, runner) -> None:
        training = isinstance(getattr(runner, '_train_loop', None), BaseLoop)
        require_inputs(run_inputs(runner.cfg, training))
