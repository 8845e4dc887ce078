"""The technician's tablet pages: today's stops and the work report with signing."""
