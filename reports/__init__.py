"""PDF documents made with reportlab (built on qcdesk; never imports Qt)."""
