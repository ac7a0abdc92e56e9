"""Background jobs: the queue any layer enqueues work on by name (`queue.enqueue`), and the
admins' page of recent jobs. The worker that runs them is `worker.py`, beside `wsgi.py`."""
