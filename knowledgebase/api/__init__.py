"""The knowledge base's REST API: authenticated writes and reads, and the public help center."""
