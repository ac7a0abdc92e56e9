"""Production server settings, read by `gunicorn wsgi:app` from the project folder.

Load the app once in the master and fork the workers from it: each worker importing the app
itself (about a second with the statistics stack) made citizen requests stall for about a
second at the 99th percentile under load (benchmarks/bench_qr_load.py: p99 ≈ 1,000 ms without,
≈ 25 ms with). Start-up leaves no pooled database connection behind to be shared by the forks.
"""
preload_app = True
