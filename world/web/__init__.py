"""The browser side of mudsite: the play page at /play/ and where `/` sends a visitor."""
