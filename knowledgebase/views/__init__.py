"""The public help center's pages, one module per family: home, category, article (with
its feedback), search, help keys and the widget, the sitemap."""
