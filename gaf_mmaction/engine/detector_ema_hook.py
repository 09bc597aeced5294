"""An exponential moving average of the detector's weights, for the two-pass loop."""
from mmaction.registry import HOOKS
from mmengine.hooks import EMAHook
from mmengine.model import is_model_wrapper

from ..structures.two_pass import CVAE_PASS, DETECTOR_PASS


@HOOKS.register_module()
class DetectorEMAHook(EMAHook):
    """MMEngine's ``EMAHook``, averaging over the detector pass's steps only.

    After each detector step the averaged model moves towards the trained
    one (``ema = (1 - momentum) * ema + momentum * weights``; the first
    step copies); after each CVAE step it takes the CVAE's weights as they
    are, so the averaged model's CVAE is always the trained CVAE (a
    distillation teacher needs it) and a CVAE step does not count as an
    averaging step. Validation and testing run the averaged weights; the
    checkpoints hold them as ``state_dict`` and the trained weights as
    ``ema_state_dict``, and resume restores both (MMEngine's behaviour). A
    test after training on the same runner tests the averaged weights, as
    testing the saved checkpoint would.

    Args:
        **kwargs: Of :class:`mmengine.hooks.EMAHook` (``momentum``,
            ``begin_epoch``, ...).
    """

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        # A runner that tests after training (``runner.train()`` then ``runner.test()``, as the
        # demo does) runs this again: MMEngine would average afresh from the trained weights
        # and test those; the average is kept, so the test sees what the checkpoints hold.
        if getattr(self, 'src_model', None) is not model:
            super().before_run(runner)

    def before_train(self, runner) -> None:
        super().before_train(runner)
        averaged = dict(self.ema_model.module.named_parameters())
        # (average, trained) pairs of the CVAE's parameters, looked up once, not every step.
        self.cvae_pairs = [(averaged[name], param)
                           for name, param in self.src_model.pass_parameters(CVAE_PASS)]

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if runner.train_loop.current_pass == DETECTOR_PASS:
            super().after_train_iter(runner, batch_idx, data_batch, outputs)
            return
        for average, param in self.cvae_pairs:
            average.data.copy_(param.data)
