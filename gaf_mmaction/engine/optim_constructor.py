"""One optimizer for the detector and one for the CVAEs (docs/published_code.md §6)."""
import copy

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS
from mmengine.model import is_model_wrapper
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper, OptimWrapperDict
from torch import nn

from ..structures.two_pass import OPTIM_WRAPPER_KEYS, PASSES


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class GAFOptimWrapperConstructor:
    """Build ``OptimWrapperDict(cvae=..., detector=...)`` from two wrapper configs.

    One wrapper per pass of :mod:`gaf_mmaction.structures.two_pass`, under
    the key the protocol gives it (``OPTIM_WRAPPER_KEYS``). Each wrapper gets the
    parameters its pass trains, as the model says
    (``model.pass_parameters(pass)``: the CVAEs for 'cvae', every other
    parameter that requires gradients for 'detector'; a distiller's teacher
    in neither). Each config may hold its own ``paramwise_cfg``.

    Example::

        optim_wrapper = dict(
            constructor='GAFOptimWrapperConstructor',
            detector=dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-5)),
            cvae=dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3)))

    Any other key is a wrapper setting for both wrappers and overrides
    theirs: this is how ``--amp`` of MMAction2's ``tools/train.py`` (which
    sets ``optim_wrapper.type='AmpOptimWrapper'`` and ``loss_scale``) and
    of ours switch both passes to mixed precision.

    Args:
        optim_wrapper_cfg: Dict with 'detector' and 'cvae' wrapper configs
            and optionally settings shared by both wrappers (``type``,
            ``loss_scale``, ``dtype``, ...).
        paramwise_cfg: Not used at this level (give it per wrapper).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        cfg = copy.deepcopy(dict(optim_wrapper_cfg))
        keys = [OPTIM_WRAPPER_KEYS[pass_name] for pass_name in PASSES]
        missing = [k for k in keys if k not in cfg]
        if missing:
            raise ValueError(f'GAFOptimWrapperConstructor needs the keys {missing} (one '
                             f'optimizer wrapper per pass); got {sorted(cfg)}')
        if paramwise_cfg:
            raise ValueError('Give paramwise_cfg inside optim_wrapper.detector / .cvae')
        shared = {k: cfg.pop(k) for k in list(cfg) if k not in keys}
        self.cfgs = {k: dict(cfg[k], **shared) for k in keys}

    def _build(self, cfg: dict, model: nn.Module, pass_name: str) -> OptimWrapper:
        cfg = copy.deepcopy(cfg)
        paramwise = cfg.pop('paramwise_cfg', None)
        optimizer_cfg = cfg.pop('optimizer')
        chosen = {id(p) for _, p in model.pass_parameters(pass_name)}
        if not chosen:
            raise ValueError(f'{type(model).__name__} has no parameters to train in the '
                             f'{pass_name!r} pass (all frozen?)')
        if paramwise:
            groups: list[dict] = []
            DefaultOptimWrapperConstructor(dict(optimizer=optimizer_cfg),
                                           paramwise).add_params(groups, model)
            params = [g for g in groups if id(g['params'][0]) in chosen]
        else:
            params = [p for p in model.parameters() if id(p) in chosen]
        optimizer = OPTIMIZERS.build(dict(optimizer_cfg, params=params))
        cfg.setdefault('type', 'OptimWrapper')
        return OPTIM_WRAPPERS.build(cfg, default_args=dict(optimizer=optimizer))

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        """Split ``model``'s parameters by pass and build both wrappers."""
        if is_model_wrapper(model):
            model = model.module
        if not hasattr(model, 'pass_parameters'):
            raise TypeError(f'GAFOptimWrapperConstructor trains models with two passes '
                            f'(GAFDetector, GAFDistiller); {type(model).__name__} has no '
                            'pass_parameters')
        keys = {pass_name: OPTIM_WRAPPER_KEYS[pass_name] for pass_name in PASSES}
        return OptimWrapperDict(**{key: self._build(self.cfgs[key], model, pass_name)
                                   for pass_name, key in keys.items()})
