"""Demo data for `make demo` (`manage.py seed_demo`): a province, its service centre and communes,
staff of every role, the real catalogue, and a few hundred dossiers replayed through the services."""
