"""Vínculo's benchmarks: `python -m benchmarks JOB --size S|M|L`. Not shipped in the package."""
