"""The command-line interface; the entry point is :func:`prodrescue.cli.main.main`."""
