"""The statistics page (/statistik/) and its charts."""
