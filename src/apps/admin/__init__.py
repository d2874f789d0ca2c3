"""Operator commands, one module per subcommand: `python -m apps.admin <command>`."""
