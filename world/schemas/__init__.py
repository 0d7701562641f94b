"""API request and response schemas, one module per area (they appear at /api/docs)."""
