"""The read model rebuilt from the journal (`rebuild-read-model`): a parallel Scan applied through
the projection into a shadow table, swapped in atomically (README, Operator commands)."""
