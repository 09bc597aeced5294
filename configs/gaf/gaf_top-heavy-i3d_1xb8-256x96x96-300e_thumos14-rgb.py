# GAF with the top-heavy I3D student backbone (docs/published_code.md §7.1), THUMOS14 RGB,
# trained alone; tests a distilled student (tools/export_student.py) as well.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

# Random backbone weights: the spatial-only layers do not fit the Kinetics I3D checkpoint.
model = dict(clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
             backbone=dict(type='TopHeavyInceptionI3D', pretrained=None))

train_dataloader = dict(batch_size=8)
train_cfg = dict(max_epochs=300)
randomness = dict(seed=2020)
