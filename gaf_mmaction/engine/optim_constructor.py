"""One optimizer for the detector and one for the CVAEs (docs/published_code.md §6)."""
import copy

from mmaction.registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS, OPTIMIZERS
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper, OptimWrapperDict
from torch import nn


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class GAFOptimWrapperConstructor:
    """Build ``OptimWrapperDict(detector=..., cvae=...)`` from two wrapper configs.

    The 'cvae' wrapper gets the parameters under ``cvae_prefix``, the
    'detector' wrapper all others (backbone, attention heads, neck, head),
    except those under ``exclude_prefixes`` (e.g. a distiller's teacher) and
    those that do not require gradients (frozen on purpose). Each config may
    hold its own ``paramwise_cfg``.

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
            and optionally ``cvae_prefix`` (default 'attention.cvae.'),
            ``exclude_prefixes`` (default ()) and settings shared by both
            wrappers (``type``, ``loss_scale``, ``dtype``, ...).
        paramwise_cfg: Not used at this level (give it per wrapper).
    """

    def __init__(self, optim_wrapper_cfg: dict, paramwise_cfg: dict | None = None) -> None:
        cfg = copy.deepcopy(dict(optim_wrapper_cfg))
        self.cvae_prefix = cfg.pop('cvae_prefix', 'attention.cvae.')
        self.exclude_prefixes = tuple(cfg.pop('exclude_prefixes', ()))
        missing = [k for k in ('detector', 'cvae') if k not in cfg]
        if missing:
            raise ValueError(f'GAFOptimWrapperConstructor needs the keys {missing} (one '
                             f'optimizer wrapper per pass); got {sorted(cfg)}')
        if paramwise_cfg:
            raise ValueError('Give paramwise_cfg inside optim_wrapper.detector / .cvae')
        shared = {k: cfg.pop(k) for k in list(cfg) if k not in ('detector', 'cvae')}
        self.cfgs = {k: dict(cfg[k], **shared) for k in ('detector', 'cvae')}

    def _build(self, cfg: dict, model: nn.Module, keep: bool) -> OptimWrapper:
        cfg = copy.deepcopy(cfg)
        paramwise = cfg.pop('paramwise_cfg', None)
        optimizer_cfg = cfg.pop('optimizer')
        chosen = {id(p) for n, p in model.named_parameters()
                  if n.startswith(self.cvae_prefix) is keep and p.requires_grad
                  and not (self.exclude_prefixes and n.startswith(self.exclude_prefixes))}
        if not chosen:
            raise ValueError(f'No parameters for this optimizer: prefix {self.cvae_prefix!r} '
                             'matches all or none of the model')
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
        """Split ``model``'s parameters and build both wrappers."""
        if hasattr(model, 'module'):
            model = model.module
        return OptimWrapperDict(detector=self._build(self.cfgs['detector'], model, keep=False),
                                cvae=self._build(self.cfgs['cvae'], model, keep=True))
