"""A model head and a dataset of different class counts, refused before the first step."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..utils import ConfigMismatchError


def detection_heads(model) -> list[tuple[str, object]]:
    """(config key, head) of a detector, a distiller's student or a fusion's streams."""
    model = model.module if is_model_wrapper(model) else model
    places = [('model.head', model), ('model.student.head', getattr(model, 'student', None)),
              ('model.rgb.head', getattr(model, 'rgb', None)),
              ('model.flow.head', getattr(model, 'flow', None))]
    return [(key, part.head) for key, part in places
            if part is not None and hasattr(getattr(part, 'head', None), 'num_classes')]


@HOOKS.register_module()
class ClassCountHook(Hook):
    """Check that each head scores the dataset's classes plus the background.

    A head of fewer classes fails deep inside a loss at the first step (or,
    at test time, labels detections with the wrong names); this names both
    counts and the key to set, before training, validation or testing.
    """

    def before_train(self, runner) -> None:
        self.check(runner, runner.train_dataloader.dataset, 'train_dataloader')

    def before_val(self, runner) -> None:
        self.check(runner, runner.val_dataloader.dataset, 'val_dataloader')

    def before_test(self, runner) -> None:
        self.check(runner, runner.test_dataloader.dataset, 'test_dataloader')

    @staticmethod
    def check(runner, dataset, split: str) -> None:
        """Raises ConfigMismatchError when a head's ``num_classes`` is not the dataset's
        class count + 1."""
        classes = dataset.metainfo.get('classes')
        if classes is None:
            return
        source = ' / '.join(dataset.metainfo.get('source_files', (type(dataset).__name__, )))
        for key, head in detection_heads(runner.model):
            if head.num_classes != len(classes) + 1:
                raise ConfigMismatchError(
                    f'{key}.num_classes={head.num_classes} (background included), but the '
                    f'{split} dataset ({source}) has {len(classes)} classes: set '
                    f'{key}.num_classes={len(classes) + 1}')
