"""Process launcher for `make run` and the integration tests."""
