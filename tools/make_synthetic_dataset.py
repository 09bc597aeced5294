"""Write the synthetic dataset (THUMOS14 on-disk format) used by the demo.

Example:
    python tools/make_synthetic_dataset.py work_dirs/demo/data --seed 0
"""
import argparse

from gaf_mmaction.datasets.synthetic import make_synthetic_dataset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', help='output folder')
    parser.add_argument('--seed', type=int, default=0, help='random seed (default 0)')
    parser.add_argument('--num-train', type=int, default=24, help='training videos (default 24)')
    parser.add_argument('--num-test', type=int, default=16, help='test videos (default 16)')
    args = parser.parse_args()
    paths = make_synthetic_dataset(args.out_dir, seed=args.seed, num_train=args.num_train,
                                   num_test=args.num_test)
    print('\n'.join(f'{k}: {v}' for k, v in paths.items()))


if __name__ == '__main__':
    main()
