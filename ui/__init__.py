"""The PySide6 desktop program (built on qcdesk)."""
