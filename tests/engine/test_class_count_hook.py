"""ClassCountHook: a head and a dataset of different class counts, named before any step."""
from types import SimpleNamespace

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from gaf_mmaction.engine import ClassCountHook
from gaf_mmaction.utils import ConfigMismatchError
from tests.helpers import TINY_CONFIG


def test_a_head_of_another_class_count_is_named_with_the_key_to_set():
    init_default_scope('mmaction')
    with torch.device('meta'):
        model = MODELS.build(Config.fromfile(TINY_CONFIG).model)  # 3 actions + background
    dataset = SimpleNamespace(metainfo=dict(classes=['a', 'b', 'c'], source_files=('x.json', )))
    runner = SimpleNamespace(model=model, train_dataloader=SimpleNamespace(dataset=dataset),
                             test_dataloader=SimpleNamespace(dataset=dataset))
    ClassCountHook().before_train(runner)
    dataset.metainfo['classes'] = ['a', 'b']
    with pytest.raises(ConfigMismatchError, match=r'model.head.num_classes=4 \(background '
                       r'included\), but the test_dataloader dataset \(x.json\) has 2 classes: '
                       r'set model.head.num_classes=3'):
        ClassCountHook().before_test(runner)
