"""The coordinator's desk pages: call screen, board, registration queue and device pages."""
