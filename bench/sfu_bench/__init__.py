"""The SFU fan-out benchmark's parts; bench/sfu_fanout.py runs them, each in its own process."""
