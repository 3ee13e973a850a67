"""The command-line interface. Its entry point is :func:`prodrescue.cli.main.main`."""
