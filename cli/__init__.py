"""Command implementations behind app.py; errors become friendly messages here, at the edge."""
