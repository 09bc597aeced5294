# ./gaf_distiller.py on ActivityNet-1.3: the top-heavy student with the ActivityNet head
# (./gaf_top_heavy_i3d_activitynet.py), taught by the ActivityNet RGB model of configs/gaf/.
# The experiment config sets the recipe (beta, kd_cvae_weight, what starts from the teacher).
_base_ = ['./gaf_top_heavy_i3d_activitynet.py']

model = dict(
    _delete_=True,
    type='GAFDistiller',
    data_preprocessor={{_base_.model.data_preprocessor}},
    student={{_base_.model}},
    teacher_config='{{ fileDirname }}/../../gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py',
    teacher_checkpoint=None,
    student_checkpoint=None)
