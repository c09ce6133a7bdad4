"""qcdesk: the core of the converter workshop quality desk (no Qt, no reportlab)."""
