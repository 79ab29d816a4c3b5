"""Data to fill the portal with: the seed fixtures (load_initial_data) and the untidy scale data
the benchmarks run on (generate_scale_data)."""
