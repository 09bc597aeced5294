"""What the command-line tools run beside the registered parts: building the runner from their
flags and checks (launch), and the speed and memory measurements (benchmark)."""
