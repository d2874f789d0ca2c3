"""The soak run (`./scripts/soak.sh`): the full local stack under a mixed load for minutes."""
