"""The knowledge base's public pages, one module per family: home, category, article (with
its feedback), search, help keys and the widget, the sitemap, and the articles' images."""
