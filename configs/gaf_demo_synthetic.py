# An alias kept for one release; the config is now
# configs/gaf/gaf_i3d_1xb4-32x32x32-18e_synthetic-demo.py
_base_ = ['./gaf/gaf_i3d_1xb4-32x32x32-18e_synthetic-demo.py']
