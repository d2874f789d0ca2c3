"""Peer implementations of the project's workloads, written with other libraries, as baselines."""
