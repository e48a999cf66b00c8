"""Subcommands of `python -m bot`. Each module has NAME, HELP, configure(parser) and run(args)."""
