"""neotui's benchmarks: scripts that print figures (not tests). Run them all with
``python -m bench``; see bench/README.md."""
