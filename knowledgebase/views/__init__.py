"""Views of the knowledge base."""
