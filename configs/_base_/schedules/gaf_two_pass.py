# GAF's schedule (§6): per epoch a CVAE pass, then a detector pass, each with its optimizer;
# constant learning rates, no scheduler.
train_cfg = dict(type='TwoPassTrainLoop', max_epochs=300, interleave=False)

# SkipNonFiniteOptimWrapper is OptimWrapper that drops a step with NaN/inf gradients
# (with model.non_finite_loss='skip'; the default 'stop' ends training first).
optim_wrapper = dict(
    constructor='GAFOptimWrapperConstructor',
    detector=dict(
        type='SkipNonFiniteOptimWrapper',
        # Adam's weight_decay is the coupled L2 of the published optimizer.
        optimizer=dict(type='Adam', lr=1e-5, betas=(0.9, 0.999), weight_decay=1e-3)),
    cvae=dict(
        type='SkipNonFiniteOptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.8, 0.999), weight_decay=0)))

param_scheduler = []

# Under DDP each phase leaves the other's parameters without gradients.
model_wrapper_cfg = dict(type='MMDistributedDataParallel', find_unused_parameters=True)
