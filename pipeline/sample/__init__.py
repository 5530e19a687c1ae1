"""The corpus generator behind the demo, the tests and the scale benchmarks."""
