"""The chat UI's glue (Chainlit): settings, users and roles, history storage, result cards, charts.

``chainlit_app.py`` at the repository root is the adapter that wires these to Chainlit's callbacks.
"""
