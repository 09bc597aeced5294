# Knowledge distillation on THUMOS14 RGB (docs/published_code.md §7, the published v1 recipe):
# a frozen GAF teacher (configs/gaf_thumos14_rgb.py + its checkpoint with CVAE) trains the
# top-heavy I3D student. The student's neck, heads and attention heads start from the teacher and
# stay frozen; its backbone (random init) and CVAEs train. Attention KD x1000 on the clip and the
# splice clip; CVAE reconstruction KD x0.01; reconstruction weight 0.5 from the first epoch.
# Batch 1, Adam lr 1e-6 (weight decay 1e-3), CVAE Adam lr 1e-3, 200 epochs.
#   python tools/train.py configs/gaf_thumos14_rgb_kd.py \
#       --cfg-options model.teacher_checkpoint=work_dirs/gaf_thumos14_rgb/epoch_20.pth
_base_ = ['./_base_/models/gaf_distiller.py']

model = dict(
    student=dict(loss_recon=dict(warmup_epochs=1)),
    beta=1000.0,
    kd_cvae_weight=0.01,
    init_from_teacher=('neck.', 'head.', 'attention.heads.'),
    frozen=('neck.', 'head.', 'attention.heads.'))

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-6)))
train_dataloader = dict(batch_size=1)
train_cfg = dict(max_epochs=200, val_interval=5)
auto_scale_lr = dict(base_batch_size=1)
