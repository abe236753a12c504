"""The database and nothing else."""
