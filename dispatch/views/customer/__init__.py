"""The site manager's portal."""
