"""Estafette: the domain of the Estafette Wijkdialoog dashboard (no UI code here).

Layers: pages → ui → estafette (web beside ui; bench on top of everything); this package
imports neither ui, web, pages, bench nor Streamlit (tests/test_layers.py proves it).

The commit rule: domain functions take a Session, change objects and flush; they do not
commit. The boundary that opened the session (the UI write helper, a CLI handler, a web
route) commits once per user action. Exceptions, each a unit of work of its own:

- seed.seed / seed.add_demo and db.upgrade / db.check_writable run their own transactions
  on an Engine (start-up and set-up);
- signin.authenticate commits the failed-login counter even when it refuses;
- updates.save_update commits the record and its history with the conflict check;
- status_import.import_status and backup.import_backup validate the whole file, then commit it;
- privacy.purge takes an Engine and runs its own transaction; reminders.deliver commits
  after each mail sent (a sent mail cannot be rolled back).

See docs/architecture.md.
"""
